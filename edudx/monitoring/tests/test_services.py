import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from edudx.core.errors import Conflict, PermissionDenied, ValidationFailed
from edudx.core.history import entries_for
from edudx.monitoring import selectors, services
from edudx.monitoring.models import Assessment, Campaign, Criterion, Entry, Framework, GroupResult
from edudx.monitoring.schemas import CriterionIn, EntryIn

from .conftest import assessment_of, fill

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_shipped_4725_has_both_groups_as_published(framework):
    groups = {g.code: g for g in framework.groups.all()}
    assert set(groups) == {"I", "II"}
    g1 = {c.code: c for c in groups["I"].criteria.all()}
    assert [c for c in g1 if g1[c].kind == Criterion.Kind.MANDATORY] == ["I.1", "I.2"]
    assert sum(c.max_points for c in g1.values()) == 100
    assert [s.max_points for s in g1["I.3"].subitems.all()] == [6, 6, 6, 6, 6]
    g2 = {c.code: c for c in groups["II"].criteria.all()}
    assert sum(c.max_points for c in g2.values()) == 90  # as published: flagged, not silently fixed
    problems = selectors.framework_problems(framework)
    assert [(p["group"].code, p["total"]) for p in problems] == [("II", 90)]


def test_shipped_3806_is_two_groups_with_levels_on_the_total(db):
    fw = Framework.objects.get(code="3806")
    assert fw.subject == Framework.Subject.AUTHORITY and fw.levels_on_total
    assert fw.groups.count() == 2
    assert sum(g.max_points for g in fw.groups.all()) == 100


@pytest.mark.parametrize(
    ("points", "met", "level"),
    [
        (Decimal("49.99"), True, 1),
        (Decimal("50"), True, 2),
        (Decimal("75"), True, 2),
        (Decimal("75.01"), True, 3),
        (Decimal("90"), False, 0),
    ],
)
def test_levels_follow_the_group_rules(points, met, level):
    assert (
        services.level_for(points, level2_min=Decimal(50), level3_above=Decimal(75), mandatory_met=met)
        == level
    )


def test_admin_clones_and_corrects_group_two_without_code(city, framework):
    admin = city.actor_of("dept_admin")
    clone = services.framework_clone(actor=admin, framework=framework, year=2026)
    g2 = clone.groups.get(code="II")
    services.criterion_create(
        actor=admin,
        group=g2,
        data=CriterionIn(
            code="II.5", name="Tiêu chí bổ sung", order=5, kind="points", max_points=Decimal(10)
        ),
    )
    assert selectors.framework_problems(clone) == []
    # the original stays as published
    assert len(selectors.framework_problems(framework)) == 1
    with pytest.raises(PermissionDenied):
        services.framework_clone(actor=city.actor_of("ward_officer"), framework=framework, year=2027)


def test_framework_in_use_is_locked(city, campaign, framework):
    crit = framework.groups.get(code="I").criteria.get(code="I.4")
    with pytest.raises(services.Locked):
        services.criterion_update(
            actor=city.actor_of("dept_admin"), criterion=crit, data=CriterionIn(max_points=Decimal(5))
        )


def test_campaign_defaults_and_coverage(city, campaign):
    assert campaign.self_deadline == dt.date(2026, 5, 31)
    assert campaign.review_deadline == dt.date(2026, 6, 20)
    assert campaign.assessments.count() == 4
    a = assessment_of(campaign, city.schools[0])
    assert a.supervisor == city.wards[0] and a.status == Assessment.Status.NOT_STARTED


def test_campaign_coverage_by_grouping_and_ward(city, framework, today):
    admin = city.actor_of("dept_admin")
    c = services.campaign_create(
        actor=admin,
        framework=framework,
        owner=city.dept,
        name="Cụm",
        school_year="2025-2026",
        groupings=[city.cluster],
    )
    services.campaign_transition(actor=admin, campaign=c, to="open")
    assert set(c.assessments.values_list("school_id", flat=True)) == {city.schools[0].pk, city.schools[2].pk}
    c2 = services.campaign_create(
        actor=admin,
        framework=framework,
        owner=city.dept,
        name="B",
        school_year="2025-2026",
        units=[city.wards[1]],
        levels=["THPT"],
    )
    services.campaign_transition(actor=admin, campaign=c2, to="open")
    assert c2.assessments.count() == 0


def test_campaign_state_machine_refuses_skipping(city, campaign):
    with pytest.raises(ValidationFailed):
        services.campaign_transition(
            actor=city.actor_of("dept_admin"), campaign=campaign, to=Campaign.State.PUBLISHED
        )


def test_points_never_exceed_the_maximum(city, campaign):
    a = assessment_of(campaign, city.schools[0])
    services.assessment_ensure_entries(a)
    e = a.entries.get(criterion__code="I.4")
    with pytest.raises(ValidationFailed):
        services.entry_save(
            actor=city.actor_of("school_admin"),
            entry=e,
            data=EntryIn.model_validate({"points": "10.5"}),
            version=e.version,
        )
    e3 = a.entries.get(criterion__code="I.3")
    with pytest.raises(ValidationFailed):
        services.entry_save(
            actor=city.actor_of("school_admin"),
            entry=e3,
            data=EntryIn.model_validate({"sub_points": {"a": "7"}}),
            version=0,
        )
    # and the database refuses it too
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=e.pk).update(points=Decimal("11"))


def test_concurrent_edits_never_lose_an_entry(city, campaign):
    a = assessment_of(campaign, city.schools[0])
    services.assessment_ensure_entries(a)
    me = city.actor_of("school_admin")
    e4 = a.entries.get(criterion__code="I.4")
    e5 = a.entries.get(criterion__code="I.5")
    # two people saw version 0 of the page; they edit different criteria: both saves stand
    services.entry_save(actor=me, entry=e4, data=EntryIn.model_validate({"points": "8"}), version=0)
    services.entry_save(
        actor=me, entry=e5, data=EntryIn.model_validate({"sub_points": {"a": "10", "b": "5"}}), version=0
    )
    # the second person edits I.4 from the stale version: refused, the first save stays
    with pytest.raises(Conflict):
        services.entry_save(actor=me, entry=e4, data=EntryIn.model_validate({"points": "2"}), version=0)
    e4.refresh_from_db()
    e5.refresh_from_db()
    assert e4.points == Decimal(8) and e5.points == Decimal(15)
    assert GroupResult.objects.get(assessment=a, group__code="I").points == Decimal(23)


def test_other_school_cannot_edit(city, campaign):
    b1 = assessment_of(campaign, city.schools[2])
    services.assessment_ensure_entries(b1)
    e = b1.entries.first()
    with pytest.raises(PermissionDenied):
        services.entry_save(
            actor=city.actor_of("school_admin"),
            entry=e,
            data=EntryIn.model_validate({"value": "x"}),
            version=0,
        )


def test_submit_requires_every_criterion_then_locks(city, campaign):
    a = assessment_of(campaign, city.schools[0])
    me = city.actor_of("school_admin")
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_submit(actor=me, assessment=a)
    assert "I.1" in str(exc.value.message)
    fill(me, a)
    services.assessment_submit(actor=me, assessment=a)
    a.refresh_from_db()
    assert a.status == Assessment.Status.SUBMITTED
    e = a.entries.get(criterion__code="I.4")
    with pytest.raises(services.Locked):
        services.entry_save(
            actor=me, entry=e, data=EntryIn.model_validate({"points": "1"}), version=e.version
        )
    with pytest.raises(services.Locked):
        services.assessment_submit(actor=me, assessment=a)


def test_submission_after_the_deadline_is_refused(city, campaign):
    a = assessment_of(campaign, city.schools[0])
    me = city.actor_of("school_admin")
    fill(me, a)
    with (
        time_machine.travel(dt.datetime(2026, 6, 2, 9, 0, tzinfo=dt.UTC)),
        pytest.raises(services.DeadlinePassed) as exc,
    ):
        services.assessment_submit(actor=me, assessment=a)
    assert "31/05/2026" in str(exc.value.message)


def test_full_review_cycle_is_in_history(city, campaign):
    a = assessment_of(campaign, city.schools[0])
    school, officer = city.actor_of("school_admin"), city.actor_of("ward_officer")
    fill(school, a, ratio=0.9)
    services.assessment_submit(actor=school, assessment=a)
    i4 = Criterion.objects.get(group__framework=campaign.framework, code="I.4")
    with pytest.raises(ValidationFailed):
        services.assessment_return(actor=officer, assessment=a, comments={})
    services.assessment_return(actor=officer, assessment=a, comments={i4.pk: "Thiếu danh mục học liệu"})
    a.refresh_from_db()
    assert a.status == Assessment.Status.RETURNED
    assert a.entries.get(criterion=i4).review_comment == "Thiếu danh mục học liệu"
    e = a.entries.get(criterion=i4)
    services.entry_save(
        actor=school, entry=e, data=EntryIn.model_validate({"points": "10"}), version=e.version
    )
    services.assessment_submit(actor=school, assessment=a)
    e.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.entry_adjust(actor=officer, entry=e, points="6", reason="")
    services.entry_adjust(actor=officer, entry=e, points="6", reason="Học liệu chưa đủ")
    services.assessment_approve(actor=officer, assessment=a)
    services.assessment_record_external(
        actor=officer,
        assessment=a,
        evaluator="Đoàn phường",
        date=dt.date(2026, 6, 10),
        note="Khớp minh chứng",
    )
    services.assessment_publish(actor=officer, assessment=a)
    a.refresh_from_db()
    assert a.status == Assessment.Status.PUBLISHED and a.submit_count == 2
    ops = [h.operation for h in entries_for(a)]
    for op in (
        "assessment_submit",
        "assessment_return",
        "assessment_approve",
        "assessment_external",
        "assessment_publish",
    ):
        assert op in ops
    g1 = GroupResult.objects.get(assessment=a, group__code="I")
    # 90 % of I.3, I.5-I.7 (81 of 90) plus I.4 as adjusted by the reviewer (6)
    assert g1.points == Decimal("87.00") and g1.level == 3


def _entry(city, campaign, code="I.4"):
    a = assessment_of(campaign, city.schools[0])
    services.assessment_ensure_entries(a)
    return a.entries.get(criterion__code=code)


def test_evidence_file_is_checked_by_content(city, campaign, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    me, e = city.actor_of("school_admin"), _entry(city, campaign)
    ev = services.evidence_add(actor=me, entry=e, kind="file", upload=SimpleUploadedFile("ke-hoach.pdf", PDF))
    assert ev.content_type == "application/pdf" and ev.size == len(PDF)
    # an executable renamed to .pdf is refused
    with pytest.raises(ValidationFailed):
        services.evidence_add(
            actor=me, entry=e, kind="file", upload=SimpleUploadedFile("x.pdf", b"MZ\x90\x00" * 50)
        )
    # a real PDF with a misleading name is refused too
    with pytest.raises(ValidationFailed):
        services.evidence_add(actor=me, entry=e, kind="file", upload=SimpleUploadedFile("x.png", PDF))


def test_evidence_file_size_is_limited(city, campaign, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services.assessments, "MAX_EVIDENCE_BYTES", 100)
    with pytest.raises(ValidationFailed) as exc:
        services.evidence_add(
            actor=city.actor_of("school_admin"),
            entry=_entry(city, campaign),
            kind="file",
            upload=SimpleUploadedFile("big.pdf", PDF + b" " * 200),
        )
    assert "MB" in str(exc.value.message)


def test_evidence_links_and_platform_records(city, campaign):
    me, e = city.actor_of("school_admin"), _entry(city, campaign, "II.3")
    services.evidence_add(actor=me, entry=e, kind="link", url="https://lms.example.edu.vn/khoa-hoc")
    services.evidence_add(actor=me, entry=e, kind="record", record_ref="indicator:registry.staff_records")
    assert sorted(e.evidence.values_list("kind", flat=True)) == ["link", "record"]


def test_indicators_suggest_values_from_the_registry(city, campaign):
    a = assessment_of(campaign, city.schools[0])
    services.assessment_ensure_entries(a)
    entries = selectors.assessment_entries(a)
    sugg = selectors.suggestions(a, entries)
    ii3 = next(e for e in entries if e.criterion.code == "II.3")
    values = {s["indicator"].code: s["value"] for s in sugg[ii3.criterion_id]}
    # every pupil of the test city has a personal ID and a MOET code; one teacher per school
    assert values["registry.learner_personal_id_share"] == 100.0
    assert values["registry.learner_moet_code_share"] == 100.0
    assert values["registry.staff_records"] == 1
    cov = selectors.automatic_coverage(campaign.framework)
    # other modules register theirs too; ours evidence II.3 (60 points) at least
    assert cov["criteria"] >= 1 and cov["points"] >= 60


def test_publish_campaign_publishes_only_approved_in_scope(city, campaign):
    school, officer = city.actor_of("school_admin"), city.actor_of("ward_officer")
    a = assessment_of(campaign, city.schools[0])
    fill(school, a)
    services.assessment_submit(actor=school, assessment=a)
    with pytest.raises(ValidationFailed):
        services.campaign_publish(actor=officer, campaign=campaign)
    services.assessment_approve(actor=officer, assessment=a)
    assert services.campaign_publish(actor=officer, campaign=campaign) == 1
    b1 = assessment_of(campaign, city.schools[2])
    with pytest.raises(PermissionDenied):
        services.assessment_approve(actor=officer, assessment=b1)


def test_school_imports_indicator_counts_committed_runs_of_the_last_year(city, campaign):
    from django.utils import timezone

    from edudx.core import indicators
    from edudx.ingest.models import ImportRun

    a1, b1 = city.schools[0], city.schools[2]
    ind = indicators.get("ingest.school_imports_12m")
    assert ind.compute([a1.pk, b1.pk]) == {a1.pk: 0, b1.pk: 0}
    for state, days in (("committed", 10), ("committed", 200), ("failed", 5), ("committed", 400)):
        ImportRun.objects.create(
            kind="students",
            file="x.csv",
            file_name="x.csv",
            sha256="0" * 64,
            state=state,
            unit_path=a1.unit.path,
            created_at=timezone.now() - dt.timedelta(days=days),
        )
    assert ind.compute([a1.pk, b1.pk]) == {a1.pk: 2, b1.pk: 0}


def test_the_reviewers_form_is_one_service_and_all_or_nothing(city, campaign):
    a = assessment_of(campaign, city.schools[0])
    school, officer = city.actor_of("school_admin"), city.actor_of("ward_officer")
    fill(school, a)
    services.assessment_submit(actor=school, assessment=a)
    i3, i4 = (Criterion.objects.get(group__framework=campaign.framework, code=c) for c in ("I.3", "I.4"))
    # I.3's adjustment is valid, I.4's has no reason: nothing is kept and the status stays
    with pytest.raises(ValidationFailed):
        services.assessment_review(
            actor=officer,
            assessment=a,
            adjustments={i3.pk: ("1", "Thiếu hợp đồng bản quyền"), i4.pk: ("2", " ")},
            action="approve",
        )
    a.refresh_from_db()
    assert a.status == Assessment.Status.SUBMITTED
    assert a.entries.get(criterion=i3).reviewed_points is None
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_review(actor=officer, assessment=a, adjustments={}, action="delete")
    assert exc.value.code == "invalid_action"
    services.assessment_review(
        actor=officer, assessment=a, adjustments={i3.pk: ("1", "Thiếu hợp đồng bản quyền")}, action="approve"
    )
    a.refresh_from_db()
    assert a.status == Assessment.Status.APPROVED
    assert a.entries.get(criterion=i3).reviewed_points == Decimal("1")
