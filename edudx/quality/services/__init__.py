"""Writes of quality: a search for duplicates (model stored, pairs stored), decisions, merges.

Every write takes an Actor and checks its Scope first. A pair belongs to both records' schools:
deciding it needs quality.review over one of them; merging it (or undoing a merge) needs
quality.review and registry.change over both — a merge across scopes needs a user who holds
both. Two people merging one pair at once: the pair's state moves by a conditional update, so
one wins and the other gets a Conflict (pair_already_decided).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from edudx.core.actor import Actor
from edudx.core.errors import Conflict, ValidationFailed
from edudx.core.exports import write_csv
from edudx.registry import selectors as registry_selectors

from .. import permissions as perms
from .. import selectors
from ..dedupe import pipeline, source
from ..models import CandidatePair, DedupeRun, Kind, MatchModel, PairState, QualitySettings

logger = logging.getLogger(__name__)

Progress = Callable[[str, int], None]
CODE_COLUMNS = {"students": "student_code", "staff": "staff_code"}
DEFAULT_THRESHOLD = 0.5


def pair_headers(kind: str) -> list[str]:
    code = CODE_COLUMNS[kind]
    return ["school_code_a", f"{code}_a", "school_code_b", f"{code}_b", "probability"]


def export_pairs(pairs: pl.DataFrame, kind: str, path: Path) -> int:
    """The pairs file: codes only (never a personal ID), the most likely first."""
    rows = pairs.select(
        "school_code_a", "code_a", "school_code_b", "code_b", pl.col("match_probability").round(6)
    )
    with open(path, "w", newline="", encoding="utf-8") as fh:
        return write_csv(fh, pair_headers(kind), rows.iter_rows())


def _store_model(kind: str, result: pipeline.Result, source_name: str) -> MatchModel:
    latest = selectors.model_latest(kind)
    return MatchModel.objects.create(
        kind=kind, version=(latest.version + 1) if latest else 1, params=result.model,
        records=result.records, source=source_name[:200], seconds=result.seconds,
    )  # fmt: skip


def _store_pairs(kind: str, pairs: pl.DataFrame, *, run: DedupeRun | None, model: MatchModel) -> int:
    """Insert new pairs, refresh the probability of open ones; a pair decided "different" is
    never proposed again (its row stays as it is)."""
    if pairs.height == 0:
        return 0
    codes = set(pairs["school_code_a"].drop_nulls().to_list()) | set(
        pairs["school_code_b"].drop_nulls().to_list()
    )
    schools = {code: v["id"] for code, v in registry_selectors.schools_by_code(codes).items()}
    frame = pairs.select(
        pl.min_horizontal("unique_id_l", "unique_id_r").alias("a"),
        pl.max_horizontal("unique_id_l", "unique_id_r").alias("b"),
        pl.when(pl.col("unique_id_l") < pl.col("unique_id_r")).then("school_code_a").otherwise("school_code_b").alias("sa"),
        pl.when(pl.col("unique_id_l") < pl.col("unique_id_r")).then("school_code_b").otherwise("school_code_a").alias("sb"),
        "match_probability",
    )  # fmt: skip
    existing = {
        (a, b): (pk, state)
        for pk, a, b, state in CandidatePair.objects.filter(kind=kind).values_list(
            "pk", "record_a", "record_b", "state"
        )
    }
    new: list[CandidatePair] = []
    refresh: list[CandidatePair] = []
    now = timezone.now()
    for a, b, sa, sb, p in frame.iter_rows():
        known = existing.get((a, b))
        if known is None:
            new.append(CandidatePair(
                kind=kind, record_a=a, record_b=b, school_a_id=schools.get(sa), school_b_id=schools.get(sb),
                probability=p, run=run, model=model, found_at=now,
            ))  # fmt: skip
        elif known[1] == PairState.OPEN:
            refresh.append(CandidatePair(pk=known[0], probability=p, run=run, model=model, found_at=now))
    CandidatePair.objects.bulk_create(new, batch_size=2000)
    CandidatePair.objects.bulk_update(refresh, ["probability", "run", "model", "found_at"], batch_size=2000)
    return len(new) + len(refresh)


def dedupe_registry(
    *,
    actor: Actor,
    kind: str,
    threshold: float = DEFAULT_THRESHOLD,
    export: Path | None = None,
    run: DedupeRun | None = None,
    threads: int | None = None,
    progress: Progress | None = None,
) -> tuple[pipeline.Result, MatchModel]:
    """Find duplicate persons of `kind` in the registry: train a new model version on the data
    (stored), store the candidate pairs, export them, merge those above the auto threshold."""
    actor.scope.require_any(perms.RUN)
    if kind not in Kind.values:
        raise ValidationFailed(_("Unknown kind of person."), code="dedupe_unknown_kind")
    say = progress or (lambda step, pct: None)
    say("reading", 5)
    raw = source.registry_frame(kind, scope=actor.scope)
    result = pipeline.find_pairs(raw, kind, threshold=threshold, threads=threads or _threads(), progress=say)
    pairs = pipeline.with_codes(result.pairs, raw)
    say("storing", 85)
    with transaction.atomic():
        model = _store_model(kind, result, "registry")
        _store_pairs(kind, pairs, run=run, model=model)
    if export is not None:
        export_pairs(pairs, kind, export)
    auto_merge(actor=actor, kind=kind)
    return pipeline.Result(
        pairs=pairs, model=result.model, records=result.records, seconds=result.seconds
    ), model


def _threads() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 4))


# ----- the background job
def run_start(*, actor: Actor, kind: str) -> DedupeRun:
    from edudx.core.tasks import enqueue_after_commit

    from .. import tasks

    actor.scope.require_any(perms.RUN)
    if kind not in Kind.values:
        raise ValidationFailed(_("Unknown kind of person."), code="dedupe_unknown_kind")
    if DedupeRun.objects.filter(kind=kind, state__in=["queued", "running"]).exists():
        raise Conflict(_("A search for duplicates of this kind is already running."), code="dedupe_running")
    with transaction.atomic():
        run = DedupeRun.objects.create(kind=kind, requested_by=actor.user)
        enqueue_after_commit(tasks.dedupe_run, run)
    return run


def run_execute(run_id: int) -> DedupeRun:
    """The job's body: moves the run queued → running → done (or failed) with its progress."""
    run = DedupeRun.objects.get(pk=run_id)
    if not can_proceed(run.start):
        return run
    run.start()
    run.save(update_fields=["state", "step"])

    def progress(step: str, pct: int) -> None:
        DedupeRun.objects.filter(pk=run.pk).update(step=step[:40], progress=pct)

    try:
        result, model = dedupe_registry(actor=Actor.system(source=f"dedupe:{run.pk}"), kind=run.kind, run=run,
                                        progress=progress)  # fmt: skip
    except Exception as exc:  # a failed job says so on its page; the traceback goes to the log
        logger.exception("dedupe run %s failed", run.pk)
        run.refresh_from_db()
        run.fail()
        run.error = type(exc).__name__[:255]
        run.save(update_fields=["state", "finished_at", "error"])
        return run
    run.refresh_from_db()
    run.finish()
    run.model, run.pairs = model, result.pairs.height
    run.save(update_fields=["state", "progress", "finished_at", "model", "pairs"])
    return run


# ----- decisions
from .pairs import merge_undo as merge_undo  # noqa: E402  (re-exported)
from .pairs import pair_decide as pair_decide  # noqa: E402
from .pairs import pair_merge as pair_merge  # noqa: E402


def settings_update(*, actor: Actor, auto_merge_threshold: float | None) -> QualitySettings:
    actor.scope.require_any(perms.MANAGE)  # the department's setting
    if auto_merge_threshold is not None and not 0.5 <= auto_merge_threshold <= 1:
        raise ValidationFailed(_("The threshold is a probability between 0.5 and 1."), code="threshold_range")
    row = QualitySettings.objects.order_by("pk").first() or QualitySettings()
    row.auto_merge_threshold = auto_merge_threshold
    row.save()
    return row


def auto_merge(*, actor: Actor, kind: str) -> int:
    """Merge the open pairs above the department's threshold (the older record kept, its values
    kept; the other's stay in the merge's snapshot), each listed for audit (Merge.auto)."""
    threshold = selectors.settings_get().auto_merge_threshold
    if threshold is None:
        return 0
    done = 0
    busy: set[int] = set()
    for pair in CandidatePair.objects.filter(
        kind=kind, state=PairState.OPEN, probability__gte=threshold
    ).select_related("school_a__unit", "school_b__unit"):
        if pair.record_a in busy or pair.record_b in busy:
            continue  # a record merged a moment ago: its other pairs wait for a reviewer
        try:
            pair_merge(actor=actor, pair=pair, survivor_id=pair.record_a, take=[], auto=True)
        except (Conflict, ValidationFailed) as exc:
            logger.info("auto-merge of pair %s skipped: %s", pair.pk, exc.code)
            continue
        busy.update((pair.record_a, pair.record_b))
        done += 1
    return done


# ----- a spreadsheet before it is imported
_FILE_COLUMNS = {
    "students": {"code": "student_code", "phone": "parent_phone"},
    "staff": {"code": "staff_code", "phone": "phone"},
}


def _file_frame(kind: str, path: Path) -> pl.DataFrame:
    """The file's rows (errors included) as a raw frame; ids are minus the row number."""
    from edudx.ingest import services as ingest_services

    names = _FILE_COLUMNS[kind]
    parts: list[pl.DataFrame] = []
    for chunk in ingest_services.normalised_chunks(kind=kind, path=path):

        def col(name: str, dtype: Any = pl.String, frame: pl.DataFrame = chunk) -> pl.Expr:
            return pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype=dtype)

        parents = pl.concat_str([col("father_name"), col("mother_name")], separator=" ", ignore_nulls=True)
        parts.append(
            chunk.select(
                (-pl.col("__row").cast(pl.Int64)).alias("unique_id"),
                col("school_code").alias("school_code"),
                col(names["code"]).alias("code"),
                col("full_name").alias("full_name"),
                col("date_of_birth", pl.Date).alias("date_of_birth"),
                col("gender").alias("gender"),
                col("personal_id").alias("personal_id"),
                col("ethnicity").alias("ethnicity"),
                col(names["phone"]).alias("phone"),
                col("class_name").alias("class_name"),
                pl.when(parents.str.strip_chars() != "").then(parents).otherwise(None).alias("parents"),
                col("email").alias("email"),
            )
        )
    from ..dedupe.frames import SCHEMA

    return pl.concat(parts) if parts else pl.DataFrame(schema=SCHEMA)


def dedupe_file(
    *, actor: Actor, kind: str, path: Path, threshold: float = DEFAULT_THRESHOLD, export: Path | None = None
) -> pl.DataFrame:
    """Pairs inside a spreadsheet and between it and the registry (the records the actor sees),
    before import; rows the importer would refuse are included. The latest stored model scores
    them (trained on the registry); without one, a model is trained on the file and registry."""
    actor.scope.require_any(perms.REVIEW)
    if kind not in Kind.values:
        raise ValidationFailed(_("Unknown kind of person."), code="dedupe_unknown_kind")
    file_raw = _file_frame(kind, path)
    file_raw = file_raw.with_columns(
        pl.when(pl.col("code").is_null() | (pl.col("code") == ""))
        .then(pl.lit("#") + (-pl.col("unique_id")).cast(pl.String))
        .otherwise("code")
        .alias("code")
    )
    if file_raw.height == 0:  # nothing to check: the registry is not read
        empty = pl.DataFrame(
            schema={"unique_id_l": pl.Int64, "unique_id_r": pl.Int64, "match_probability": pl.Float64}
        )
        pairs = pipeline.with_codes(empty, file_raw)
        if export is not None:
            export_pairs(pairs, kind, export)
        return pairs
    registry_raw = source.registry_frame(kind, scope=actor.scope)
    raw = pl.concat([file_raw, registry_raw])
    latest = selectors.model_latest(kind)
    result = pipeline.find_pairs(
        raw, kind, threshold=threshold, threads=_threads(), trained=latest.params if latest else None
    )
    pairs = pipeline.with_codes(result.pairs, raw).filter(
        (pl.col("unique_id_l") < 0) | (pl.col("unique_id_r") < 0)
    )
    if export is not None:
        export_pairs(pairs, kind, export)
    return pairs
