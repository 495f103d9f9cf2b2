"""Published open datasets: one row per publication of a dataset (a version), with its files.

A dataset is declared in code (`datasets.py`: what it counts, its data dictionary); what the
department publishes is a snapshot, kept so that a citation of "version 3" stays answerable."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def files_dir() -> Path:
    """Where published files live: VAR_DIR/opendata/<dataset>/<dataset>-vN.<format>."""
    return Path(settings.VAR_DIR) / "opendata"


class Publication(models.Model):
    dataset = models.CharField(_("dataset"), max_length=60)  # datasets.Dataset.code
    version = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the figures were counted (a maintained aggregate may be up to a minute old).
    as_of = models.DateTimeField(_("figures as of"))
    rows = models.PositiveIntegerField(_("rows"))
    threshold = models.PositiveIntegerField(_("smallest published count"))
    hidden_primary = models.PositiveIntegerField(_("small counts hidden"), default=0)
    hidden_complementary = models.PositiveIntegerField(_("counts hidden to protect them"), default=0)
    # File names under VAR_DIR/opendata/ and their SHA-256, for the catalogue's checksums.
    csv_file = models.CharField(max_length=255)
    csv_sha256 = models.CharField(max_length=64)
    parquet_file = models.CharField(max_length=255)
    parquet_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ("dataset", "-version")
        constraints = [models.UniqueConstraint(fields=("dataset", "version"), name="opendata_one_version")]

    def __str__(self) -> str:
        return f"{self.dataset} v{self.version}"

    def file_path(self, fmt: str) -> Path | None:
        name = {"csv": self.csv_file, "parquet": self.parquet_file}.get(fmt)
        return files_dir() / name if name else None
