"""Reads of published open data. Published datasets are public: no scope applies to reading
them; who may publish is the service's concern."""

from __future__ import annotations

from pathlib import Path

from django.db.models import Max

from edudx.core.errors import NotFound

from .datasets import DATASETS, Dataset
from .models import Publication


def latest_publications() -> dict[str, Publication]:
    """The newest publication of each dataset that has one."""
    newest = Publication.objects.values("dataset").annotate(v=Max("version"))
    wanted = {(r["dataset"], r["v"]) for r in newest}
    out: dict[str, Publication] = {}
    for pub in Publication.objects.filter(dataset__in=[d for d, _ in wanted]):
        if (pub.dataset, pub.version) in wanted:
            out[pub.dataset] = pub
    return out


def catalogue() -> list[tuple[Dataset, Publication | None]]:
    latest = latest_publications()
    return [(d, latest.get(code)) for code, d in DATASETS.items()]


def dataset_public(code: str) -> tuple[Dataset, list[Publication]]:
    """A dataset and its versions, newest first: 404 for an unknown code or one never published."""
    dataset = DATASETS.get(code)
    versions = list(Publication.objects.filter(dataset=code).order_by("-version")) if dataset else []
    if dataset is None or not versions:
        raise NotFound()
    return dataset, versions


def publication_get(code: str, version: int) -> Publication:
    try:
        return Publication.objects.get(dataset=code, version=version)
    except Publication.DoesNotExist as exc:
        raise NotFound() from exc


def publication_file(publication: Publication, fmt: str) -> Path:
    path = publication.file_path(fmt)
    if path is None or not path.is_file():
        raise NotFound()
    return path
