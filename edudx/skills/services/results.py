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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.db.bulk import allocate_ids, db_now, insert_rows
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

# Values per IN list: SQLite allows 32,766 parameters a statement. A name + birth date lookup
# scans the people table once per statement (no index holds the pair), so it takes as many
# pairs as a statement allows.
CHUNK = 5000
PAIRS_CHUNK = 30_000


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


def _by_pid(scope: Any, pids: Sequence[str]) -> dict[str, Person]:
    out: dict[str, Person] = {}
    for kind, qs in _people(scope):
        for i in range(0, len(pids), CHUNK):
            part = list(pids[i : i + CHUNK])
            for pid, pk, sid, path, nk, dob in (
                qs.filter(personal_id__in=part).order_by().values_list("personal_id", *FIELDS)
            ):
                out.setdefault(pid, Person(kind, pk, sid, path, nk, dob))
    return out


def _by_name_dob(scope: Any, wanted: set[tuple[str, dt.date]]) -> dict[tuple[str, dt.date], list[Person]]:
    """People whose (folded name, birth date) pair is wanted. The pair itself is the condition
    (`name_key|YYYY-MM-DD`): a name in the list and a date in the list separately would let
    through every pupil with a common name born on a common day (400,000 rows for 20,000
    candidates). No index holds the pair, so each statement scans the table once: it takes as
    many pairs as a statement allows."""
    out: dict[tuple[str, dt.date], list[Person]] = {}
    if not wanted:
        return out
    pairs = sorted(f"{n}|{d.isoformat()}" for n, d in wanted)
    pair = Concat("name_key", Value("|"), Cast("date_of_birth", CharField()), output_field=CharField())
    for kind, qs in _people(scope):
        keyed = qs.annotate(skills_pair=pair)
        for i in range(0, len(pairs), PAIRS_CHUNK):
            for p in _fetch(keyed, kind, skills_pair__in=pairs[i : i + PAIRS_CHUNK]):
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


def _certificate_for(result: ExamResult, person: Person, listed: set[str]) -> PersonCertificate:
    cert = result.certificate
    on_list = result.number in listed
    return PersonCertificate(
        certificate_id=result.certificate_id,
        staff_id=person.id if person.kind == "staff" else None,
        student_id=person.id if person.kind == "student" else None,
        school_id=person.school_id,
        unit_path=person.path,
        number=result.number,
        level=result.level,
        score=result.score,
        issued_on=result.taken_on,
        expires_on=expiry_of(cert, result.taken_on),
        source=PersonCertificate.Source.IMPORT,
        state=PersonCertificate.State.VERIFIED if on_list else PersonCertificate.State.CLAIMED,
        state_note=str(_("On the issuer's list.")) if on_list else "",
    )


def write_results(*, actor: Actor, rows: Iterable[dict[str, Any]], unit_path: str) -> int:
    """Store imported result rows (dicts of the kind's columns plus `certificate_id`, `match`,
    `person`) and the certificates of the matched people, with history in bulk."""
    results: list[ExamResult] = []
    people: list[Person | None] = []
    for row in rows:
        results.append(
            ExamResult(
                certificate_id=row["certificate_id"],
                number=row["number"],
                candidate_name=row["candidate_name"],
                date_of_birth=row.get("date_of_birth"),
                personal_id=(row.get("personal_id") or "")[:14],
                level=row.get("level") or "",
                score=row.get("score"),
                taken_on=row.get("taken_on"),
                match=row["match"],
                unit_path=unit_path,
            )
        )
        people.append(row.get("person"))
    if not results:
        return 0
    certs = {c.pk: c for c in Certificate.objects.filter(pk__in={r.certificate_id for r in results})}
    for r in results:
        r.certificate = certs[r.certificate_id]
    listed = _listed(list(certs), [r.number for r in results])
    taken = _taken(results)
    pcs = []
    for r, p in zip(results, people, strict=True):
        if p is not None and (r.certificate_id, r.number) not in taken:
            pcs.append(_certificate_for(r, p, listed))
            r.staff_id = p.id if p.kind == "staff" else None
            r.student_id = p.id if p.kind == "student" else None
    _insert(PersonCertificate, pcs, PC_COLUMNS)
    by_key = {(pc.certificate_id, pc.number): pc for pc in pcs}
    for r in results:
        pc = by_key.get((r.certificate_id, r.number))
        r.person_certificate_id = pc.pk if pc else None
    _insert(ExamResult, results, RESULT_COLUMNS)
    history.record_bulk(
        actor=actor,
        model=ExamResult,
        entries=[(r.pk, str(r), "create", {"match": [None, r.match]}) for r in results],
        operation="import",
    )
    history.record_bulk(
        actor=actor,
        model=PersonCertificate,
        entries=[(pc.pk, str(pc), "create", {"state": [None, pc.state]}) for pc in pcs],
        operation="import",
    )
    touch([pc.school_id for pc in pcs])
    return len(results)


PC_COLUMNS = (
    "certificate_id", "staff_id", "student_id", "school_id", "unit_path", "number", "level", "score", "issued_on",
    "expires_on", "source", "state", "state_note",
)  # fmt: skip
RESULT_COLUMNS = (
    "certificate_id", "number", "candidate_name", "date_of_birth", "personal_id", "level", "score", "taken_on",
    "match", "staff_id", "student_id", "person_certificate_id", "unit_path",
)  # fmt: skip


def _insert(
    model: type[ExamResult] | type[PersonCertificate], objs: Sequence[Any], columns: Sequence[str]
) -> None:
    """Insert new rows through core.db.bulk (ids allocated first, so history can name them):
    Django's bulk_create costs more than the whole match at 100,000 rows."""
    if not objs:
        return
    now = db_now()
    for obj, pk in zip(objs, allocate_ids(model, len(objs)), strict=True):
        obj.pk = pk
    insert_rows(
        model,
        ("id", "created_at", "updated_at", *columns),
        ((o.pk, now, now, *(_db_value(getattr(o, c)) for c in columns)) for o in objs),
    )


def _db_value(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _listed(cert_ids: list[int], numbers: list[str]) -> set[str]:
    out: set[str] = set()
    for i in range(0, len(numbers), CHUNK):
        out.update(
            IssuerNumber.objects.filter(
                certificate_id__in=cert_ids, number__in=numbers[i : i + CHUNK], revoked=False
            ).values_list("number", flat=True)
        )
    return out


def _taken(results: list[ExamResult]) -> set[tuple[int, str]]:
    """(certificate, number) pairs someone already holds: an import never records one twice."""
    out: set[tuple[int, str]] = set()
    numbers = [r.number for r in results]
    certs = sorted({r.certificate_id for r in results})
    for i in range(0, len(numbers), CHUNK):
        out.update(
            PersonCertificate.objects.filter(
                certificate_id__in=certs, number__in=numbers[i : i + CHUNK]
            ).values_list("certificate_id", "number")
        )
    return out


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
