"""The test centres' result kind (issue #16 item 3): candidate name, date of birth, personal ID,
certificate, level, score, date and certificate number; matched to staff and pupils by
`services.results.match_people`, written by `services.results.write_results`.

A result list is the department's: every row writes into the department's unit (`locate`), so
the engine refuses the whole file to anyone without `skills.import_results` there; matching
looks only among the people the importer's scope shows. The natural key is the certificate and
its number: a list imported twice changes nothing.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from edudx.core.actor import Actor
from edudx.core.rules import ERROR, WARNING
from edudx.core.text import fold
from edudx.ingest import kinds as K

from .. import permissions as perms
from ..models import Certificate, ExamResult
from ..services.common import city_path
from ..services.results import Candidate, match_people, write_results

COMPARED = ("candidate_name", "date_of_birth", "personal_id", "level", "score", "taken_on")


def _certificates(ctx: K.Context) -> dict[str, int]:
    """Folded code and folded name → certificate id (once per run)."""
    if "skills_certs" not in ctx.cache:
        table: dict[str, int] = {}
        for pk, code, name in Certificate.objects.values_list("pk", "code", "name"):
            table[fold(code)] = pk
            table[fold(name)] = pk
            table[fold(code.replace("_", " "))] = pk
        ctx.cache["skills_certs"] = table
    certs: dict[str, int] = ctx.cache["skills_certs"]
    return certs


def _score(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        d = Decimal(value.replace(",", ".").strip())
    except InvalidOperation:
        return None
    return d if d.is_finite() and 0 <= d < 10000 else None


def resolve(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
    table = _certificates(ctx)
    values = frame["certificate"].cast(pl.String)
    ids = {v: table.get(fold(v)) for v in values.unique().to_list() if v is not None}  # a few names
    certs = pl.Series([ids.get(v) for v in values.to_list()], dtype=pl.Int64)
    frame = frame.with_columns(certs.alias("certificate_id"))
    frame = sink.flag(
        frame,
        pl.col("certificate").is_not_null() & pl.col("certificate_id").is_null(),
        "certificate",
        "unknown_certificate",
        ERROR,
        _("No certificate of the catalogue has this code or name."),
    )
    if "score" in frame.columns:
        scores = [_score(v) for v in frame["score"].cast(pl.String).to_list()]
        bad = frame["score"].is_not_null() & pl.Series([s is None for s in scores], dtype=pl.Boolean)
        frame = sink.flag(
            frame, bad, "score", "score_unreadable", WARNING, _("The score is not a number; left empty.")
        )
        frame = frame.with_columns(
            pl.Series("score", [None if s is None else str(s) for s in scores], pl.String)
        )
    for col in ("date_of_birth", "personal_id", "level", "taken_on", "score"):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None).alias(col))
    frame = frame.with_columns(
        pl.concat_str([pl.col("certificate_id").cast(pl.String), pl.col("number")], separator="/").alias(
            "result_key"
        )
    )
    ok = frame.filter(~pl.col("__err")) if "__err" in frame.columns else frame
    cands = [
        Candidate(n or "", d, p)
        for n, d, p in zip(ok["candidate_name"], ok["date_of_birth"], ok["personal_id"], strict=True)
    ]
    matched = match_people(ctx.actor.scope, cands)
    cols: dict[str, list[Any]] = {"__row": ok[K.ROW].to_list()}
    for name, get in (
        ("match", lambda m: m[1]),
        ("person_kind", lambda m: m[0].kind if m[0] else None),
        ("person_id", lambda m: m[0].id if m[0] else None),
        ("person_school", lambda m: m[0].school_id if m[0] else None),
        ("person_path", lambda m: m[0].path if m[0] else None),
    ):
        cols[name] = [get(m) for m in matched]
    found = pl.DataFrame(
        cols,
        schema={
            K.ROW: frame.schema[K.ROW],
            "match": pl.String,
            "person_kind": pl.String,
            "person_id": pl.Int64,
            "person_school": pl.Int64,
            "person_path": pl.String,
        },
    )
    frame = frame.join(found, on=K.ROW, how="left").with_columns(
        pl.col("match").fill_null(ExamResult.Match.NONE)
    )
    return frame


def locate(frame: pl.DataFrame, ctx: K.Context) -> pl.Series:
    if "skills_city" not in ctx.cache:
        ctx.cache["skills_city"] = city_path()
    return pl.Series([ctx.cache["skills_city"]] * frame.height, dtype=pl.String)


def existing(frame: pl.DataFrame, ctx: K.Context) -> dict[str, K.Record]:
    keys = frame["result_key"].drop_nulls().unique().to_list()
    out: dict[str, K.Record] = {}
    by_cert: dict[int, list[str]] = {}
    for k in keys:
        cid, number = k.split("/", 1)
        by_cert.setdefault(int(cid), []).append(number)
    for cid, numbers in by_cert.items():
        for i in range(0, len(numbers), 5000):
            for r in ExamResult.objects.filter(certificate_id=cid, number__in=numbers[i : i + 5000]).values(
                "id", "certificate_id", "number", "unit_path", *COMPARED
            ):
                r[K.UNIT_PATH] = r.pop("unit_path")
                r["score"] = None if r["score"] is None else str(r["score"])
                out[f"result_key={r['certificate_id']}/{r['number']}"] = r
    return out


# No savepoint: the engine's transaction (one, or one per short commit) is the unit. Inside a
# SAVEPOINT, SQLite runs every row's aggregate change trigger (an INSERT OR REPLACE) under a
# statement journal nested in it: 2 ms a row instead of 0.1 ms on the city copy.
@transaction.atomic(savepoint=False)
def write(*, actor: Actor, new: pl.DataFrame, changed: list[K.Changed], ctx: K.Context) -> None:
    write_results(actor=actor, frame=new, unit_path=ctx.cache.get("skills_city") or city_path())
    for pk, row, changes in changed:
        ExamResult.objects.filter(pk=pk).update(**{k: row.get(k) for k in changes})


RESULTS = K.register(
    K.Kind(
        name="skills_results",
        label=_("IT certificate results (test centres)"),
        description=_(
            "A test centre's result list: each candidate is matched to a staff member or a pupil by personal "
            "ID, then by name and date of birth; unmatched rows are listed for review."
        ),
        columns=(
            K.Column(
                "candidate_name",
                "Họ và tên",
                (
                    "ho va ten",
                    "ho ten",
                    "ten thi sinh",
                    "thi sinh",
                    "candidate",
                    "candidate name",
                    "full name",
                    "name",
                ),
                required=True,
                not_blank=True,
                normaliser=K.NAME,
                help=_("The candidate's full name."),
                example="Nguyễn Văn An",
            ),
            K.Column(
                "date_of_birth",
                "Ngày sinh",
                ("ngay sinh", "date of birth", "dob", "birth date"),
                normaliser=K.DATE,
                help=_("dd/mm/yyyy."),
                example="01/03/2014",
            ),
            K.Column(
                "personal_id",
                "Số định danh cá nhân",
                ("so dinh danh ca nhan", "so dinh danh", "cccd", "so cccd", "personal id", "id number"),
                help=_("12 digits; a wrong ID falls back to name and date of birth."),
                example="079214000001",
            ),
            K.Column(
                "certificate",
                "Chứng chỉ",
                ("chung chi", "loai chung chi", "certificate", "exam"),
                required=True,
                not_blank=True,
                help=_("Code or name of the certificate in the catalogue (IC3_GS6, MOS Excel 2019…)."),
                example="IC3_GS6",
            ),
            K.Column("level", "Cấp độ", ("cap do", "level", "muc"), help=_("Level."), example="Level 1"),
            K.Column("score", "Điểm", ("diem", "score"), help=_("Score."), example="850"),
            K.Column(
                "taken_on",
                "Ngày thi",
                ("ngay thi", "ngay cap", "exam date", "date"),
                normaliser=K.DATE,
                help=_("Date of the exam or of issue."),
                example="15/05/2026",
            ),
            K.Column(
                "number",
                "Số hiệu chứng chỉ",
                ("so hieu chung chi", "so hieu", "so chung chi", "certificate number", "number"),
                required=True,
                not_blank=True,
                normaliser=K.CODE,
                help=_("The number printed on the certificate."),
                example="IC3-2026-000123",
            ),
        ),
        natural_key=("result_key",),
        compared=COMPARED,
        resolve=resolve,
        existing=existing,
        write=write,
        change_permission=perms.IMPORT_RESULTS,
        # A big list commits 10,000 rows a transaction on SQLite (engine/commit.py), not 1,000:
        # each write pays a few lookups, id allocations, history calls and the commit's 30 ms
        # pause; a 10,000-row write holds the writer lock well under a second.
        commit_rows=10_000,
        locate=locate,
        locate_column="number",
    )
)
