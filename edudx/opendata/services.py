"""Publishing a dataset: count, hide small cells, write CSV and Parquet, keep the version."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, NotFound, PermissionDenied
from edudx.orgs import selectors as orgs

from . import permissions as perms
from .datasets import DATASETS, Dataset
from .models import Publication, files_dir


def dataset_get(code: str) -> Dataset:
    try:
        return DATASETS[code]
    except KeyError as exc:
        raise NotFound(_("No such dataset.")) from exc


def require_department(actor: Actor) -> None:
    """A publication speaks for the whole city: the permission must cover every root unit."""
    roots = list(orgs.root_units().values_list("path", flat=True))
    if not roots or not all(actor.scope.can(perms.PUBLISH, path) for path in roots):
        raise PermissionDenied()


def _write(path: Path, write: Callable[[Path], object]) -> str:
    """Write through a temporary name, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    write(tmp)
    digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
    os.replace(tmp, path)
    return digest


def _next_version(code: str) -> int:
    return (Publication.objects.filter(dataset=code).aggregate(v=Max("version"))["v"] or 0) + 1


def publication_create(*, actor: Actor, dataset_code: str) -> Publication:
    dataset = dataset_get(dataset_code)
    require_department(actor)
    threshold = int(settings.OPENDATA_MIN_COUNT)
    as_of = timezone.now()
    with translation.override("vi"):
        built = dataset.build(actor.scope, threshold)
    version = _next_version(dataset.code)
    # A name of its own per attempt: two officers publishing at once never write one file.
    base = files_dir() / dataset.code / f"{dataset.code}-v{version}-{secrets.token_hex(4)}"
    csv_name, parquet_name = f"{base}.csv", f"{base}.parquet"
    csv_sha = _write(Path(csv_name), lambda p: built.frame.write_csv(p))
    parquet_sha = _write(Path(parquet_name), lambda p: built.frame.write_parquet(p))
    try:
        with transaction.atomic():
            publication = Publication.objects.create(
                dataset=dataset.code,
                version=version,
                published_at=timezone.now(),
                published_by=actor.user,
                as_of=as_of,
                rows=built.frame.height,
                threshold=threshold,
                hidden_primary=len(built.suppressed.primary) if built.suppressed else 0,
                hidden_complementary=len(built.suppressed.complementary) if built.suppressed else 0,
                csv_file=str(Path(csv_name).relative_to(files_dir())),
                csv_sha256=csv_sha,
                parquet_file=str(Path(parquet_name).relative_to(files_dir())),
                parquet_sha256=parquet_sha,
            )
            history.record(
                actor=actor,
                obj=publication,
                action="create",
                changes={"dataset": dataset.code, "version": version, "rows": publication.rows},
            )
    except IntegrityError as exc:  # someone published the same version a moment earlier
        for name in (csv_name, parquet_name):
            Path(name).unlink(missing_ok=True)
        raise Conflict(_("This dataset was just published by someone else; reload the page.")) from exc
    return publication
