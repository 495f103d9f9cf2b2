import datetime as dt

import pytest

from edudx.core.actor import Via
from edudx.core.roles import Role
from edudx.ingest import kinds as ingest_kinds
from edudx.ingest.engine import pipeline
from edudx.skills.models import ExamResult, PersonCertificate

pytestmark = pytest.mark.django_db

HEADER = "Họ và tên,Ngày sinh,Số định danh cá nhân,Chứng chỉ,Cấp độ,Điểm,Ngày thi,Số hiệu chứng chỉ\n"


def _file(tmp_path, rows):
    p = tmp_path / "ketqua.csv"
    p.write_text(HEADER + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    return p


def _rows(city):
    a, b, c = city.students[0], city.students[1], city.students[2]
    pid_a = a.personal_id
    return [
        # by personal ID (lost leading zero, as spreadsheets do)
        [
            a.full_name,
            a.date_of_birth.strftime("%d/%m/%Y"),
            pid_a.lstrip("0"),
            "IC3_GS6",
            "Level 1",
            "812",
            "15/05/2026",
            "N1",
        ],
        # ID mistyped onto nobody: name (without accents, in capitals) + birth date
        [
            b.full_name.upper().replace("Ầ", "A"),
            b.date_of_birth.strftime("%d/%m/%Y"),
            "079999999999",
            "IC3 GS6",
            "",
            '"7,5"',
            "",
            "N2",
        ],
        # a real ID of someone else with another name and date: not a match by ID, and by name+date nobody
        ["Người Lạ", "01/01/2000", pid_a, "IC3_GS6", "", "abc", "", "N3"],
        # unknown certificate
        [c.full_name, "", "", "NO_SUCH", "", "", "", "N4"],
    ]


def test_results_are_matched_by_id_then_name_and_birth_date(city, tmp_path):
    actor = city.actor_of(Role.DEPT_ADMIN).with_source("import:test", via=Via.IMPORT)
    kind = ingest_kinds.get("skills_results")
    done = pipeline.process(
        kind=kind, path=_file(tmp_path, _rows(city)), actor=actor, write=True, mode=pipeline.PARTIAL
    )
    assert done.counts["new"] == 3 and done.counts["rejected"] == 1, [
        p.as_dict() for p in done.problems.items
    ]
    by_number = {r.number: r for r in ExamResult.objects.all()}
    assert by_number["N1"].match == "pid" and by_number["N1"].student_id == city.students[0].pk
    assert by_number["N2"].match == "name_dob" and by_number["N2"].student_id == city.students[1].pk
    assert str(by_number["N2"].score) == "7.50"
    assert by_number["N3"].match == "none" and by_number["N3"].person_certificate_id is None
    pcs = PersonCertificate.objects.filter(student=city.students[0])
    assert [(p.number, p.state, p.source) for p in pcs] == [("N1", "claimed", "import")]
    # the same file again changes nothing
    again = pipeline.process(
        kind=kind, path=_file(tmp_path, _rows(city)), actor=actor, write=True, mode=pipeline.PARTIAL
    )
    assert again.counts["new"] == 0 and ExamResult.objects.count() == 3


def test_a_school_cannot_import_a_result_list(city, tmp_path):
    actor = city.actor_of(Role.SCHOOL_ADMIN).with_source("import:test", via=Via.IMPORT)
    kind = ingest_kinds.get("skills_results")
    done = pipeline.process(
        kind=kind, path=_file(tmp_path, _rows(city)), actor=actor, write=True, mode=pipeline.PARTIAL
    )
    assert done.counts["rejected"] == done.counts["total"] == 4
    assert ExamResult.objects.count() == 0


def test_the_api_takes_a_result_list(city, tmp_path, client):
    client.force_login(city.users[Role.DEPT_OFFICER])
    with _file(tmp_path, _rows(city)).open("rb") as fh:
        r = client.post("/api/v1/ingest/runs", {"kind": "skills_results", "file": fh, "mode": "partial"})
    assert r.status_code == 201, r.content
    run_id = r.json()["id"]
    done = client.post(
        f"/api/v1/ingest/runs/{run_id}/commit", {"mode": "partial"}, content_type="application/json"
    )
    assert done.status_code == 200, done.content
    assert ExamResult.objects.filter(match="pid").count() == 1


def test_unmatched_result_is_assigned_by_a_reviewer(city, tmp_path):
    from edudx.skills.services.results import result_assign

    actor = city.actor_of(Role.DEPT_ADMIN).with_source("import:test", via=Via.IMPORT)
    pipeline.process(
        kind=ingest_kinds.get("skills_results"),
        path=_file(tmp_path, _rows(city)),
        actor=actor,
        write=True,
        mode=pipeline.PARTIAL,
    )
    r = ExamResult.objects.get(number="N3")
    result_assign(actor=city.actor_of(Role.DEPT_ADMIN), result=r, student_id=city.students[2].pk)
    r.refresh_from_db()
    assert r.match == "manual" and r.person_certificate.student_id == city.students[2].pk
    assert dt.date.today()  # keeps the import of dt used in later tests


def test_the_bulk_writer_verifies_dates_and_records_history(city, tmp_path):
    """What write_results derives per row without a model instance: verified when the issuer
    lists the number, the expiry from the certificate's validity, a number already held left
    unlinked, and one history entry per result and per certificate."""
    from django.contrib.contenttypes.models import ContentType

    from edudx.core.models import HistoryEntry
    from edudx.skills.models import Certificate, IssuerNumber

    gs6 = Certificate.objects.get(code="IC3_GS6")
    Certificate.objects.filter(pk=gs6.pk).update(validity_months=36)
    IssuerNumber.objects.create(certificate=gs6, number="N1")
    held = city.students[3]
    PersonCertificate.objects.create(
        certificate=gs6, student=held, school=held.school, unit_path=held.school.unit.path, number="N5"
    )
    rows = [*_rows(city)[:3], [held.full_name, held.date_of_birth.strftime("%d/%m/%Y"), held.personal_id,
                               "IC3_GS6", "", "", "31/01/2026", "N5"]]  # fmt: skip
    actor = city.actor_of(Role.DEPT_ADMIN).with_source("import:test", via=Via.IMPORT)
    pipeline.process(
        kind=ingest_kinds.get("skills_results"),
        path=_file(tmp_path, rows),
        actor=actor,
        write=True,
        mode=pipeline.PARTIAL,
    )
    n1 = PersonCertificate.objects.get(number="N1")
    assert (n1.state, n1.issued_on, n1.expires_on, n1.level, str(n1.score)) == (
        "verified",
        dt.date(2026, 5, 15),
        dt.date(2029, 5, 15),
        "Level 1",
        "812.00",
    )
    assert n1.unit_path == city.students[0].school.unit.path and n1.school_id == city.students[0].school_id
    n2 = PersonCertificate.objects.get(number="N2")
    assert (n2.state, n2.expires_on, n2.state_note) == ("claimed", None, "")
    n5 = ExamResult.objects.get(number="N5")
    assert n5.match == "pid" and n5.person_certificate_id is None and n5.student_id is None
    assert PersonCertificate.objects.filter(number="N5").count() == 1
    assert ExamResult.objects.get(number="N1").person_certificate_id == n1.pk
    entries = HistoryEntry.objects.filter(operation="import")
    er_ct = ContentType.objects.get_for_model(ExamResult)
    pc_ct = ContentType.objects.get_for_model(PersonCertificate)
    assert entries.filter(content_type=er_ct).count() == 4
    mine = entries.get(content_type=pc_ct, object_id=str(n1.pk))
    assert mine.changes == {"state": [None, "verified"]} and mine.object_repr == f"{gs6.pk} N1"
