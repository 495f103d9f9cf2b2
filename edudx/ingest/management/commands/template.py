"""edudx template KIND [--out F.xlsx]: an XLSX template with dropdowns and an explanation sheet."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import translation

from ... import services
from ...template import build_template


class Command(BaseCommand):
    help = "Write the XLSX template of an import kind."

    def add_arguments(self, parser):
        parser.add_argument("kind")
        parser.add_argument("--out")

    def handle(self, *args, **opts):
        kind = services.get_kind(opts["kind"])
        out = Path(opts["out"] or f"mau-{kind.name}.xlsx")
        with translation.override("vi"):
            out.write_bytes(build_template(kind))
        self.stdout.write(f"template: {out}")
