import io
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from edudx.monitoring import exports, services
from edudx.monitoring.models import Assessment, Entry

from .conftest import assessment_of, fill
from .matrix import MARKER, providers


def url(name, **kw):
    return reverse(f"monitoring:{name}", kwargs=kw)


def test_school_admin_sees_own_self_assessment(city, campaign, client_for):
    a = assessment_of(campaign, city.schools[0])
    c = client_for("school_admin")
    r = c.get(url("index"))
    assert r.status_code == 200 and url("assessment_detail", assessment_id=a.pk) in r.content.decode()
    r = c.get(url("assessment_detail", assessment_id=a.pk))
    body = r.content.decode()
    assert r.status_code == 200
    assert "I.3" in body and "II.4" in body and 'name="sub_a"' in body
    # automatic suggestion with its provenance beside II.3
    assert body.count('data-testid="suggestion"') >= 1 and "<code>monitoring</code>" in body


def test_autosave_returns_the_card_and_refuses_stale_versions(city, campaign, client_for):
    a = assessment_of(campaign, city.schools[0])
    services.assessment_ensure_entries(a)
    e = a.entries.get(criterion__code="I.4")
    c = client_for("school_admin")
    save = url("entry_save", assessment_id=a.pk, criterion_id=e.criterion_id)
    r = c.post(save, {"points": "7.5", "value": "420 học liệu", "version": "0"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'data-testid="saved"' in r.content.decode()
    e.refresh_from_db()
    assert e.points == Decimal("7.5") and e.version == 1
    r = c.post(save, {"points": "3", "version": "0"}, HTTP_HX_REQUEST="true")
    assert 'data-testid="entry-error"' in r.content.decode()
    e.refresh_from_db()
    assert e.points == Decimal("7.5")
    r = c.post(save, {"points": "12", "version": "1"}, HTTP_HX_REQUEST="true")
    assert 'data-testid="entry-error"' in r.content.decode()
    assert Entry.objects.get(pk=e.pk).points == Decimal("7.5")


def test_ward_a_cannot_reach_b1(city, campaign, client_for):
    ids = providers(city)
    for role in ("school_admin", "ward_officer", "viewer", "teacher"):
        c = client_for(role)
        for name, kw in (
            ("assessment_detail", "assessment_id"),
            ("assessment_pdf", "assessment_id"),
            ("evidence_download", "evidence_id"),
            ("school_profile", "school_id"),
        ):
            r = c.get(url(name, **{kw: ids[kw][0]}))
            assert r.status_code in (403, 404), (role, name)
            assert MARKER not in r.content.decode(errors="ignore")
        # B1's own campaign and its framework are not theirs to see
        assert c.get(url("campaign_detail", campaign_id=ids["campaign_id"][0])).status_code == 404
        assert c.get(url("framework_detail", framework_id=ids["framework_id"][0])).status_code == 404
        # the city-wide campaign is, without ward B's schools
        r = c.get(url("campaign_detail", campaign_id=campaign.pk))
        assert r.status_code == 200
        assert city.schools[2].name not in r.content.decode()


def test_review_return_resubmit_approve_publish_through_pages(city, campaign, client_for):
    a = assessment_of(campaign, city.schools[0])
    fill(city.actor_of("school_admin"), a)
    school, officer = client_for("school_admin"), client_for("ward_officer")
    school.post(url("assessment_submit", assessment_id=a.pk))
    assert Assessment.objects.get(pk=a.pk).status == "submitted"
    r = officer.get(url("review_queue"))
    assert url("assessment_detail", assessment_id=a.pk) in r.content.decode()
    i4 = a.entries.get(criterion__code="I.4").criterion_id
    officer.post(
        url("assessment_review", assessment_id=a.pk),
        {"action": "return", f"comment_{i4}": "Bổ sung danh mục"},
    )
    assert Assessment.objects.get(pk=a.pk).status == "returned"
    assert "Bổ sung danh mục" in school.get(url("assessment_detail", assessment_id=a.pk)).content.decode()
    school.post(url("assessment_submit", assessment_id=a.pk))
    officer.post(
        url("assessment_review", assessment_id=a.pk),
        {"action": "approve", f"adjust_{i4}": "5", f"reason_{i4}": "Chưa đủ học liệu"},
    )
    a.refresh_from_db()
    assert a.status == "approved" and a.entries.get(criterion_id=i4).reviewed_points == Decimal(5)
    officer.post(url("campaign_publish", campaign_id=campaign.pk))
    assert Assessment.objects.get(pk=a.pk).status == "published"
    # a school administrator cannot approve
    r = school.post(url("assessment_publish", assessment_id=a.pk))
    assert Assessment.objects.get(pk=a.pk).status == "published" and r.status_code == 403


def test_pdf_report_has_vietnamese_text(city, campaign, client_for):
    a = assessment_of(campaign, city.schools[0])
    fill(city.actor_of("school_admin"), a)
    r = client_for("school_admin").get(url("assessment_pdf", assessment_id=a.pk))
    assert r["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=b"".join(r.streaming_content) if r.streaming else r.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert city.schools[0].name in " ".join(text.split())  # the name may wrap in a cell or the summary
    assert "Chuyển đổi số trong dạy, học" in text
    assert "Phần mềm quản trị nhà trường" in text


def test_xlsx_has_one_row_per_school_and_points_per_criterion(city, campaign, client_for):
    a = assessment_of(campaign, city.schools[0])
    fill(city.actor_of("school_admin"), a, ratio=1.0)
    r = client_for("dept_officer").get(url("campaign_xlsx", campaign_id=campaign.pk))
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[2]
    assert any(str(h).startswith("I.3") for h in head) and any("II" in str(h) for h in head)
    data = rows[3:]
    assert len(data) == 4
    a1 = next(row for row in data if row[1] == city.schools[0].moet_code)
    assert a1[head.index(next(h for h in head if str(h).startswith("I.3")))] == 30.0
    for row in rows:
        for v in row:
            assert not (isinstance(v, str) and v[:1] in "=+-@")


def test_cells_never_start_a_formula():
    assert exports.safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert exports.safe("+84") == "'+84" and exports.safe("@x") == "'@x" and exports.safe("-1") == "'-1"
    assert exports.safe("Trường") == "Trường" and exports.safe(5) == 5


def test_sector_export_holds_published_results_only(city, campaign):
    school, officer = city.actor_of("school_admin"), city.actor_of("ward_officer")
    a = assessment_of(campaign, city.schools[0])
    fill(school, a)
    services.assessment_submit(actor=school, assessment=a)
    data = exports.sector_export_csv(scope=officer.scope, campaign=campaign).decode("utf-8-sig")
    assert data.count("\n") == 1  # header only
    services.assessment_approve(actor=officer, assessment=a)
    services.assessment_publish(actor=officer, assessment=a)
    lines = exports.sector_export_csv(scope=officer.scope, campaign=campaign).decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and lines[1].startswith(city.schools[0].moet_code)


@pytest.mark.parametrize("role", ["dept_admin", "dept_officer", "ward_officer", "cluster_lead", "viewer"])
def test_dashboards_and_summaries_render(city, campaign, client_for, role):
    fill(city.actor_of("school_admin"), assessment_of(campaign, city.schools[0]))
    services.assessment_submit(
        actor=city.actor_of("school_admin"), assessment=assessment_of(campaign, city.schools[0])
    )
    c = client_for(role)
    for name in ("dashboard", "campaign_detail"):
        r = c.get(url(name, campaign_id=campaign.pk))
        assert r.status_code == 200
    for by in ("level", "ownership"):
        assert c.get(url("dashboard", campaign_id=campaign.pk) + f"?by={by}").status_code == 200
    assert c.get(url("trends")).status_code == 200
    r = c.get(url("campaign_summary_pdf", campaign_id=campaign.pk))
    assert r.content[:4] == b"%PDF"


def test_framework_editor_corrects_group_two_in_the_ui(city, framework, client_for):
    c = client_for("dept_admin")
    r = c.post(url("framework_clone", framework_id=framework.pk), {"year": "2026"})
    clone_url = r["Location"]
    page = c.get(clone_url).content.decode()
    assert 'data-testid="problem"' in page
    clone_id = int(clone_url.rstrip("/").split("/")[-1])
    from edudx.monitoring.models import Framework

    g2 = Framework.objects.get(pk=clone_id).groups.get(code="II")
    r = c.post(
        url("criterion_create", group_id=g2.pk),
        {
            "code": "II.5",
            "name": "Bổ sung",
            "order": "5",
            "kind": "points",
            "max_points": "10",
            "bands": "[]",
        },
    )
    assert r.status_code == 302
    assert 'data-testid="problem"' not in c.get(clone_url).content.decode()
    # other roles cannot edit
    assert client_for("ward_officer").post(
        url("framework_clone", framework_id=framework.pk), {"year": "2027"}
    ).status_code in (403, 404)
    assert not Framework.objects.filter(year=2027).exists()


def test_new_campaign_form(city, framework, client_for, today):
    c = client_for("dept_admin")
    assert c.get(url("campaign_create")).status_code == 200
    r = c.post(
        url("campaign_create"),
        {
            "framework": framework.pk,
            "name": "CĐS 2025-2026",
            "school_year": "2025-2026",
            "units": [city.wards[0].pk],
        },
    )
    assert r.status_code == 302
    assert client_for("ward_officer").get(url("campaign_create")).status_code == 403


def test_campaign_page_query_count_does_not_grow_with_schools(city, framework, client_for, today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .conftest import open_campaign

    c = client_for("dept_officer")
    small = services.campaign_create(
        actor=city.actor_of("dept_admin"),
        framework=framework,
        owner=city.dept,
        name="Một phường",
        school_year="2025-2026",
        units=[city.wards[0]],
    )
    services.campaign_transition(actor=city.actor_of("dept_admin"), campaign=small, to="open")
    big = open_campaign(city, framework)
    for campaign in (small, big):
        for a in campaign.assessments.all():
            fill(city.actor_of("dept_admin").__class__.system(), a)
    counts = []
    for campaign in (small, big):
        c.get(url("campaign_detail", campaign_id=campaign.pk))
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url("campaign_detail", campaign_id=campaign.pk)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_evidence_upload_through_the_page_is_checked(city, campaign, client_for, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from edudx.monitoring.models import Evidence

    settings.MEDIA_ROOT = tmp_path
    a = assessment_of(campaign, city.schools[0])
    services.assessment_ensure_entries(a)
    e = a.entries.get(criterion__code="I.1")
    c = client_for("school_admin")
    add = url("evidence_add", assessment_id=a.pk, criterion_id=e.criterion_id)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    c.post(add, {"kind": "file", "file": SimpleUploadedFile("ke-hoach.pdf", pdf, "application/pdf")})
    c.post(
        add,
        {"kind": "file", "file": SimpleUploadedFile("virus.pdf", b"MZ" + b"\x00" * 300, "application/pdf")},
    )
    r = c.post(add, {"kind": "link", "url": "javascript:alert(1)"}, follow=True)
    assert list(Evidence.objects.filter(entry=e).values_list("title", flat=True)) == ["ke-hoach.pdf"]
    assert "https://" in r.content.decode()  # the link error says what a valid link looks like
    ev = Evidence.objects.get(entry=e)
    r = c.get(url("evidence_download", evidence_id=ev.pk))
    assert r["Content-Disposition"].startswith("attachment") and b"".join(r.streaming_content) == pdf
