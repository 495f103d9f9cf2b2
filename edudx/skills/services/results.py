"""Test centres' result rows: matched to staff and pupils, written as results and people's
certificates, the unmatched listed for review (issue #16 item 3).

Matching, in bulk, only among the people the importing actor's scope shows (registry
selectors): first by personal ID (normalised by `core.rules.personal_id.normalise`) when the person
found shares the row's folded name or birth date — a mistyped ID that lands on somebody else is
not a match — then by folded name (`core.text.fold`) and birth date, when exactly one person
has both. Everything else stays unmatched, for a reviewer (`result_assign`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl
from django.db import connection, transaction
from django.db.models import CharField, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.db.bulk import allocate_ids, db_now, insert_frame
from edudx.core.errors import Conflict, ValidationFailed
from edudx.core.rules import personal_id
from edudx.core.text import fold
from edudx.registry import selectors as registry_selectors

from .. import permissions as perms
from ..models import Certificate, ExamResult, IssuerNumber, PersonCertificate
from .certificates import expiry_of
from .common import touch

if TYPE_CHECKING:
    from edudx.registry.models import Staff, Student


@dataclass(frozen=True)
class Person:
    kind: str  # "staff" | "student"
    id: int
    school_id: int
    path: str
    name_key: str
    dob: dt.date | None


@dataclass(frozen=True)
class Candidate:
    name: str
    dob: dt.date | None
    personal_id: str | None


def clean_pid(raw: str | None) -> str | None:
    """A 12-digit ID from what the test centre typed (lost leading zero restored), else None."""
    if not raw:
        return None
    if raw.isascii() and raw.isdigit() and len(raw) in (11, 12):
        return raw.rjust(12, "0")  # what normalise returns for these, without building its warning
    pid, _issues = personal_id.normalise(raw)
    return pid if pid and len(pid) == 12 and pid.isdigit() else None


def _people(scope: Any) -> list[tuple[str, QuerySet[Any]]]:
    staff: QuerySet[Staff] = registry_selectors.staff_list(scope=scope)[0]
    students: QuerySet[Student] = registry_selectors.student_list(scope=scope)[0]
    # student_list annotates the current class; values_list below names its columns, which masks it.
    return [("staff", staff.filter(school__isnull=False)), ("student", students.filter(school__isnull=False))]


FIELDS = ("pk", "school_id", "school__unit__path", "name_key", "date_of_birth")


def _fetch(qs: QuerySet[Any], kind: str, **filters: Any) -> list[Person]:
    rows = qs.filter(**filters).order_by().values_list("personal_id", *FIELDS)
    return [Person(kind, pk, sid, path, nk, dob) for _pid, pk, sid, path, nk, dob in rows]


def _one_param(values: list[str]) -> RawSQL:
    """The right side of `field__in=` as one parameter (a text array on PostgreSQL, a JSON list
    on SQLite) — the twin of core.search.fulltext.ids_param for text: the ORM's one placeholder
    per value cost more CPU than the lookups themselves at 70,000 values."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::text[])", [values])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])


def _by_pid(scope: Any, pids: Sequence[str]) -> dict[str, Person]:
    out: dict[str, Person] = {}
    if not pids:
        return out
    for kind, qs in _people(scope):
        for pid, pk, sid, path, nk, dob in (
            qs.filter(personal_id__in=_one_param(list(pids))).order_by().values_list("personal_id", *FIELDS)
        ):
            out.setdefault(pid, Person(kind, pk, sid, path, nk, dob))
    return out


def _by_name_dob(scope: Any, wanted: set[tuple[str, dt.date]]) -> dict[tuple[str, dt.date], list[Person]]:
    """People whose (folded name, birth date) pair is wanted. The pair itself is the condition
    (`name_key|YYYY-MM-DD`): a name in the list and a date in the list separately would let
    through every pupil with a common name born on a common day (400,000 rows for 20,000
    candidates). No index holds the pair, so one statement per table scans it once."""
    out: dict[tuple[str, dt.date], list[Person]] = {}
    if not wanted:
        return out
    pairs = sorted(f"{n}|{d.isoformat()}" for n, d in wanted)
    pair = Concat("name_key", Value("|"), Cast("date_of_birth", CharField()), output_field=CharField())
    for kind, qs in _people(scope):
        for p in _fetch(qs.annotate(skills_pair=pair), kind, skills_pair__in=_one_param(pairs)):
            key = (p.name_key, p.dob) if p.dob else None
            if key in wanted:
                out.setdefault(key, []).append(p)
    return out


def match_people(scope: Any, candidates: Sequence[Candidate]) -> list[tuple[Person | None, str]]:
    """For each candidate: (the person, ExamResult.Match) or (None, "none")."""
    pids = [clean_pid(c.personal_id) for c in candidates]
    names = [fold(c.name) for c in candidates]
    found = _by_pid(scope, sorted({p for p in pids if p}))
    out: list[tuple[Person | None, str]] = []
    for c, pid, name in zip(candidates, pids, names, strict=True):
        p = found.get(pid) if pid else None
        if p is not None and (p.name_key == name or (c.dob is not None and p.dob == c.dob)):
            out.append((p, ExamResult.Match.PID))
        else:
            out.append((None, ExamResult.Match.NONE))
    wanted = {(names[i], c.dob) for i, c in enumerate(candidates) if out[i][0] is None and c.dob and names[i]}
    by_name = _by_name_dob(scope, wanted)
    for i, c in enumerate(candidates):
        if out[i][0] is None and c.dob:
            hits = by_name.get((names[i], c.dob), [])
            if len(hits) == 1:
                out[i] = (hits[0], ExamResult.Match.NAME_DOB)
    return out


def write_results(*, actor: Actor, frame: pl.DataFrame, unit_path: str) -> int:
    """Store imported result rows and the certificates of the matched people, with history, in
    bulk: `frame` holds the kind's columns plus `certificate_id`, `match` and the matched
    person (`person_kind`, `person_id`, `person_school`, `person_path`; null: unmatched).
    Columns are built by polars expressions and written by `core.db.bulk.insert_frame` (COPY
    on PostgreSQL, multi-row INSERTs on SQLite): no model instance and no Python work per row
    but the issuer-list and held-number lookups."""
    if frame.height == 0:
        return 0
    cert_ids = sorted(frame["certificate_id"].unique().to_list())
    certs = {c.pk: c for c in Certificate.objects.filter(pk__in=cert_ids)}
    keys = list(zip(frame["certificate_id"].to_list(), frame["number"].to_list(), strict=True))
    numbers = sorted({n for _c, n in keys})
    listed = _pairs(IssuerNumber.objects.filter(revoked=False), cert_ids, numbers)
    taken = _pairs(PersonCertificate.objects.all(), cert_ids, numbers)
    taken_on = list(zip(frame["certificate_id"].to_list(), frame["taken_on"].to_list(), strict=True))
    expiry = {(c, d): expiry_of(certs[c], d) for c, d in set(taken_on)}
    f = frame.with_columns(
        pl.Series("__listed", [k in listed for k in keys], pl.Boolean),
        # A number someone already holds is never recorded twice: the result stays, unlinked.
        pl.Series("__free", [k not in taken for k in keys], pl.Boolean),
        pl.Series("__expires", [expiry[k] for k in taken_on], pl.Date),
        pl.col("level").cast(pl.String).fill_null(""),
        pl.col("score").cast(pl.String),
    ).with_columns((pl.col("person_id").is_not_null() & pl.col("__free")).alias("__holder"))
    holders = f["__holder"]
    n_pc = int(holders.sum())
    pc_ids = pl.Series("id", list(allocate_ids(PersonCertificate, n_pc)) if n_pc else [], pl.Int64)
    pc_col = pl.Series("person_certificate_id", [None] * f.height, pl.Int64)
    if n_pc:
        pc_col = pc_col.scatter(holders.arg_true(), pc_ids)
    f = f.with_columns(pc_col)
    staff = pl.when(pl.col("__holder") & (pl.col("person_kind") == "staff")).then(pl.col("person_id"))
    student = pl.when(pl.col("__holder") & (pl.col("person_kind") == "student")).then(pl.col("person_id"))
    listed_col = pl.col("__listed")
    pcs = f.filter(pl.col("__holder")).select(
        pl.col("person_certificate_id").alias("id"),
        pl.col("certificate_id"),
        staff.alias("staff_id"),
        student.alias("student_id"),
        pl.col("person_school").alias("school_id"),
        pl.col("person_path").alias("unit_path"),
        pl.col("number"),
        pl.col("level"),
        pl.col("score"),
        pl.col("taken_on").alias("issued_on"),
        pl.col("__expires").alias("expires_on"),
        pl.lit(PersonCertificate.Source.IMPORT.value).alias("source"),
        pl.when(listed_col)
        .then(pl.lit(PersonCertificate.State.VERIFIED.value))
        .otherwise(pl.lit(PersonCertificate.State.CLAIMED.value))
        .alias("state"),
        pl.when(listed_col)
        .then(pl.lit(str(_("On the issuer's list."))))
        .otherwise(pl.lit(""))
        .alias("state_note"),
    )
    er_ids = allocate_ids(ExamResult, f.height)
    results = f.select(
        pl.Series("id", list(er_ids), pl.Int64),
        pl.col("certificate_id"),
        pl.col("number"),
        pl.col("candidate_name"),
        pl.col("date_of_birth"),
        pl.col("personal_id").cast(pl.String).fill_null("").str.slice(0, 14),
        pl.col("level"),
        pl.col("score"),
        pl.col("taken_on"),
        pl.col("match"),
        staff.alias("staff_id"),
        student.alias("student_id"),
        pl.col("person_certificate_id"),
    )
    now = db_now()
    insert_frame(PersonCertificate, pcs, {"created_at": now, "updated_at": now})
    insert_frame(ExamResult, results, {"created_at": now, "updated_at": now, "unit_path": unit_path})
    for model, table, field in ((ExamResult, results, "match"), (PersonCertificate, pcs, "state")):
        history.record_bulk(
            actor=actor,
            model=model,
            entries=table.select(
                pl.col("id"),
                pl.concat_str([pl.col("certificate_id").cast(pl.String), pl.col("number")], separator=" "),
                # json.dumps' own spelling of {"match": [None, value]}: the values are choices.
                pl.concat_str([pl.lit(f'{{"{field}": [null, "'), pl.col(field), pl.lit('"]}')]),
            ),
            operation="import",
        )
    touch(pcs["school_id"].unique().to_list())
    return f.height


def _pairs(qs: QuerySet[Any], cert_ids: list[int], numbers: list[str]) -> set[tuple[int, str]]:
    """The (certificate, number) pairs of `qs` among these certificates and numbers."""
    return set(
        qs.filter(certificate_id__in=cert_ids, number__in=_one_param(numbers)).values_list(
            "certificate_id", "number"
        )
    )


@transaction.atomic
def result_assign(
    *, actor: Actor, result: ExamResult, staff_id: int | None = None, student_id: int | None = None
) -> ExamResult:
    """A reviewer matches an unmatched result to a person of their scope: the person's
    certificate is recorded from it."""
    from ..schemas import PersonCertificateIn
    from .certificates import certificate_claim

    result = ExamResult.objects.select_for_update().get(pk=result.pk)
    actor.scope.require(perms.IMPORT_RESULTS, result.unit_path)
    if result.person_certificate_id is not None:
        raise Conflict(_("This result is already matched."), code="already_matched")
    if (staff_id is None) == (student_id is None):
        raise ValidationFailed(_("Name either a staff member or a pupil."), code="one_holder")
    pc = certificate_claim(
        actor=actor,
        data=PersonCertificateIn(
            certificate_id=result.certificate_id,
            staff_id=staff_id,
            student_id=student_id,
            number=result.number,
            level=result.level if result.level in (result.certificate.levels or [result.level]) else "",
            score=result.score,
            issued_on=result.taken_on,
        ),
    )
    PersonCertificate.objects.filter(pk=pc.pk).update(source=PersonCertificate.Source.IMPORT)
    before = result.match
    result.match = ExamResult.Match.MANUAL
    result.staff_id, result.student_id, result.person_certificate_id = staff_id, student_id, pc.pk
    result.save(update_fields=["match", "staff", "student", "person_certificate", "updated_at"])
    history.record(
        actor=actor,
        obj=result,
        action="update",
        changes={"match": [before, result.match]},
        operation="skills.result_assign",
    )
    return result
