"""The authority index (Decision 3806, issue #18 item 6): campaigns for the wards and the
department; the group on the schools managed computed from the published school results; the
leadership group self-assessed by the authority's own officers; the same review and publication
cycle (a ward never reviews itself); a ranking of the wards as a page, XLSX and a Decree 30 PDF;
a ward sees its own assessment, not another ward's."""

from __future__ import annotations

import io
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from edudx.core.actor import Actor
from edudx.core.errors import NotFound, PermissionDenied, ValidationFailed
from edudx.monitoring import selectors, services
from edudx.monitoring.models import Assessment, AutoPoint, Campaign, Framework, ScoringBand
from edudx.monitoring.schemas import EntryIn

from .conftest import assessment_of, fill

D = Decimal


@pytest.fixture
def fw3806(db):
    return Framework.objects.get(code="3806", year=2025)


def _publish_schools(city, campaign, ratios):
    """Fill, submit, approve and publish the schools given as {school index: ratio}."""
    system = Actor.system(source="test")
    officer = city.actor_of("dept_admin")
    for i, ratio in ratios.items():
        a = assessment_of(campaign, city.schools[i])
        fill(system, a, ratio=ratio)
        services.assessment_submit(actor=system, assessment=a)
        services.assessment_approve(actor=officer, assessment=a)
        services.assessment_publish(actor=officer, assessment=a)


def _open_authority_campaign(city, fw3806) -> Campaign:
    admin = city.actor_of("dept_admin")
    c = services.campaign_create(
        actor=admin,
        framework=fw3806,
        owner=city.dept,
        name="Chỉ số CĐS cơ quan 2025-2026",
        school_year="2025-2026",
    )
    services.campaign_transition(actor=admin, campaign=c, to=Campaign.State.OPEN)
    return c


def _authority(c, unit) -> Assessment:
    return Assessment.objects.get(campaign=c, authority=unit)


def _ward_b_officer(city):
    from edudx.accounts import services as accounts
    from edudx.core.roles import Role

    system = Actor.system(source="test")
    user = accounts.user_create(
        actor=system, username="t_ward_b", full_name="Cán bộ phường B", password="Edudx-test-2025!"
    )
    accounts.membership_grant(actor=system, user=user, role=Role.WARD_OFFICER, unit=city.wards[1])
    return user


def test_shipped_3806_scores_the_schools_group_from_bands_held_as_data(fw3806):
    bands = ScoringBand.objects.filter(criterion__group__framework=fw3806)
    assert set(bands.values_list("criterion__code", "indicator_code")) == {
        ("2.1", "authority.schools_level2_teaching"),
        ("2.2", "authority.schools_level2_management"),
    }
    assert sorted(bands.filter(criterion__code="2.1").values_list("points", flat=True)) == [
        0,
        5,
        10,
        15,
        20,
        25,
    ]
    assert selectors.scoring_coverage(fw3806)["points"] == 50  # the whole group on the schools managed


def test_an_authority_campaign_covers_the_department_and_its_wards(city, fw3806, today):
    c = _open_authority_campaign(city, fw3806)
    rows = {a.authority_id: a for a in c.assessments.all()}
    assert set(rows) == {city.dept.pk, city.wards[0].pk, city.wards[1].pk}
    assert all(a.school_id is None for a in rows.values())
    assert rows[city.wards[0].pk].supervisor_id == city.dept.pk  # a ward is reviewed by the department
    assert rows[city.wards[0].pk].unit_path == city.wards[0].path
    # an authority campaign takes no school levels; a unit outside the owner is refused
    with pytest.raises(ValidationFailed):
        services.campaign_create(
            actor=city.actor_of("dept_admin"),
            framework=fw3806,
            owner=city.wards[0],
            name="x",
            school_year="2025-2026",
            units=[city.wards[1]],
        )


def test_the_schools_group_is_computed_from_published_school_results(city, campaign, fw3806, today):
    # ward A: A1 published at Level ≥ 2 on both groups, A2 published at Level 1; ward B: nothing published
    _publish_schools(city, campaign, {0: 0.9, 1: 0.3})
    c = _open_authority_campaign(city, fw3806)
    assert services.campaign_autoscore(actor=city.actor_of("dept_admin"), campaign=c) == 3
    a_ward = _authority(c, city.wards[0])
    points = {
        p.entry.criterion.code: p
        for p in AutoPoint.objects.filter(entry__assessment=a_ward).select_related("entry__criterion")
    }
    assert points["2.1"].value == 50 and points["2.1"].points == 10  # 1 of 2 schools → band 40 % → 10
    assert points["2.2"].value == 50 and points["2.2"].points == 10
    assert "4725" in points["2.1"].source and points["2.1"].formula
    assert a_ward.entries.get(criterion__code="2.1").points == 10
    b_ward = _authority(c, city.wards[1])
    assert AutoPoint.objects.get(entry__assessment=b_ward, entry__criterion__code="2.1").points == 0
    dept = _authority(c, city.dept)
    assert AutoPoint.objects.get(entry__assessment=dept, entry__criterion__code="2.1").value == 25  # 1 of 4


def test_a_ward_self_assesses_its_own_and_the_department_reviews_it(city, campaign, fw3806, today):
    c = _open_authority_campaign(city, fw3806)
    ward = city.actor_of("ward_officer")  # ward A
    a_ward, b_ward = _authority(c, city.wards[0]), _authority(c, city.wards[1])
    services.assessment_ensure_entries(a_ward)
    e = a_ward.entries.get(criterion__code="1.2")
    services.entry_save(actor=ward, entry=e, data=EntryIn.model_validate({"points": "8"}), version=e.version)
    # not another ward's, and the department does not fill in the ward's self-assessment
    services.assessment_ensure_entries(b_ward)
    eb = b_ward.entries.get(criterion__code="1.2")
    with pytest.raises((PermissionDenied, NotFound)):
        services.entry_save(
            actor=ward, entry=eb, data=EntryIn.model_validate({"points": "8"}), version=eb.version
        )
    dept = city.actor_of("dept_officer")
    e.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.entry_save(
            actor=dept, entry=e, data=EntryIn.model_validate({"points": "9"}), version=e.version
        )
    fill(ward, a_ward, ratio=0.8)
    services.assessment_submit(actor=ward, assessment=a_ward)
    # the ward never reviews itself; the department does
    assert a_ward not in selectors.review_queue(scope=city.scope_of("ward_officer"))
    assert a_ward in selectors.review_queue(scope=city.scope_of("dept_officer"))
    with pytest.raises(PermissionDenied):
        services.assessment_approve(actor=ward, assessment=a_ward)
    services.assessment_approve(actor=dept, assessment=a_ward)
    services.assessment_publish(actor=dept, assessment=a_ward)
    a_ward.refresh_from_db()
    assert a_ward.status == Assessment.Status.PUBLISHED
    rows = selectors.authority_ranking(scope=city.scope_of("dept_officer"), campaign=c)
    assert rows[0]["assessment"] == a_ward and rows[0]["rank"] == 1 and rows[0]["level"] == 3
    assert rows[0]["total"] == sum(rows[0]["groups"])
    assert all(r["rank"] is None for r in rows[1:])  # not yet approved: unranked


def test_a_ward_sees_its_own_assessment_and_not_another_wards(city, fw3806, today, client_for):
    c = _open_authority_campaign(city, fw3806)
    a_ward, b_ward = _authority(c, city.wards[0]), _authority(c, city.wards[1])
    scope = city.scope_of("ward_officer")
    assert selectors.assessment_get(scope=scope, pk=a_ward.pk) == a_ward
    with pytest.raises(NotFound):
        selectors.assessment_get(scope=scope, pk=b_ward.pk)
    with pytest.raises(NotFound):  # nor the department's
        selectors.assessment_get(scope=scope, pk=_authority(c, city.dept).pk)
    assert [r["assessment"] for r in selectors.authority_ranking(scope=scope, campaign=c)] == [a_ward]
    assert list(selectors.own_authority_assessments(scope=scope)) == [a_ward]
    client = client_for("ward_officer")
    page = client.get(reverse("monitoring:ranking", kwargs={"campaign_id": c.pk})).content.decode()
    assert city.wards[0].name in page and city.wards[1].name not in page
    assert (
        client.get(reverse("monitoring:assessment_detail", kwargs={"assessment_id": b_ward.pk})).status_code
        == 404
    )
    # ward B's own officer edits ward B's, and sees it on the monitoring home
    from django.test import Client

    other = Client()
    other.force_login(_ward_b_officer(city))
    home = other.get(reverse("monitoring:index")).content.decode()
    assert reverse("monitoring:assessment_detail", kwargs={"assessment_id": b_ward.pk}) in home
    body = other.get(
        reverse("monitoring:assessment_detail", kwargs={"assessment_id": b_ward.pk})
    ).content.decode()
    assert "1.2" in body and 'name="points"' in body


def test_ranking_downloads_as_xlsx_and_as_a_decree_30_report(city, fw3806, today, client_for):
    c = _open_authority_campaign(city, fw3806)
    client = client_for("dept_officer")
    r = client.get(reverse("monitoring:ranking_xlsx", kwargs={"campaign_id": c.pk}))
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    names = [row[2] for row in ws.iter_rows(values_only=True)]
    assert city.wards[0].name in names and city.wards[1].name in names and city.dept.name in names
    r = client.get(reverse("monitoring:ranking_pdf", kwargs={"campaign_id": c.pk}))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=r.content, capture_output=True, check=True
    ).stdout.decode()
    text = " ".join(text.split())  # names wrap in table cells
    for part in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "Nơi nhận:",
        "GIÁM ĐỐC",
    ):
        assert part in text, part
    assert city.wards[0].name in text and "/BC-SGDĐT" in text
    from edudx.core import documents
    from edudx.monitoring import exports

    html = documents.html(
        documents.AdminDocument(
            issuing_unit=c.owner.name, symbol="BC-SGDĐT", kind="BÁO CÁO", summary="x", signer_title="GIÁM ĐỐC"
        ),
        "<p>x</p>",
    )
    for part in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số:",
        "/BC-SGDĐT",
        "Nơi nhận:",
        "GIÁM ĐỐC",
        "ngày",
    ):
        assert part in html
    assert exports.vn_number(1234.5) == "1.234,5"
    # a school campaign has no ranking
    school_c = Campaign.objects.exclude(pk=c.pk).first()
    if school_c is not None:
        assert (
            client.get(reverse("monitoring:ranking", kwargs={"campaign_id": school_c.pk})).status_code == 404
        )


def test_decree_30_date_takes_leading_zeros():
    import datetime as dt

    from edudx.core.documents import vn_date

    assert (
        vn_date("Thành phố Hồ Chí Minh", dt.date(2026, 2, 7))
        == "Thành phố Hồ Chí Minh, ngày 07 tháng 02 năm 2026"
    )
    assert vn_date("Hà Nội", dt.date(2026, 12, 25)) == "Hà Nội, ngày 25 tháng 12 năm 2026"
