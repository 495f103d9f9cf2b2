"""Write or check the committed OpenAPI document (docs/openapi.json)."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SNAPSHOT = Path(settings.BASE_DIR) / "docs" / "openapi.json"


class Command(BaseCommand):
    help = "Print, write (--write) or check (--check) the OpenAPI document of /api/v1/."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true")
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, write=False, check=False, **opts):
        from config.api import api

        text = json.dumps(api.get_openapi_schema(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        if write:
            SNAPSHOT.write_text(text)
            self.stdout.write(f"wrote {SNAPSHOT}")
        elif check:
            if not SNAPSHOT.exists() or SNAPSHOT.read_text() != text:
                raise CommandError(
                    "docs/openapi.json is out of date: run `edudx openapi --write` and commit it"
                )
        else:
            self.stdout.write(text)
