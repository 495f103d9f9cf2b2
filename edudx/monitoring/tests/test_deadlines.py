"""Past the deadline a self-assessment is read-only (page and server); officers extend deadlines
for the campaign (department) or for one school of their scope (ward), with a reason on record."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from edudx.core.actor import Actor
from edudx.core.errors import PermissionDenied, ValidationFailed
from edudx.core.history import entries_for
from edudx.monitoring import services
from edudx.monitoring.models import Campaign, DeadlineExtension
from edudx.monitoring.schemas import EntryIn

from .conftest import assessment_of

# The campaign fixture's self-assessment deadline is 31/05/2026 (review deadline 20/06/2026).
AFTER = dt.datetime(2026, 6, 2, 9, 0, tzinfo=dt.UTC)


def url(name, **kw):
    return reverse(f"monitoring:{name}", kwargs=kw)


def test_past_the_deadline_every_write_is_refused_with_its_code(city, campaign):
    a = assessment_of(campaign, city.schools[0])
    me = city.actor_of("school_admin")
    services.assessment_ensure_entries(a)
    e = a.entries.get(criterion__code="I.4")
    with time_machine.travel(AFTER):
        for write in (
            lambda: services.entry_save(
                actor=me, entry=e, data=EntryIn.model_validate({"points": "5"}), version=e.version
            ),
            lambda: services.evidence_add(actor=me, entry=e, kind="link", url="https://x.example.vn/a"),
            lambda: services.assessment_submit(actor=me, assessment=a),
        ):
            with pytest.raises(services.DeadlinePassed) as exc:
                write()
            assert exc.value.code == "deadline_passed" and exc.value.status == 409
            assert "31/05/2026" in str(exc.value.message) and a.supervisor.name in str(exc.value.message)
    e.refresh_from_db()
    assert e.points is None


def test_past_the_deadline_the_page_is_read_only_with_a_banner(city, campaign, client_for):
    a = assessment_of(campaign, city.schools[0])
    services.assessment_ensure_entries(a)
    e = a.entries.get(criterion__code="I.4")
    c = client_for("school_admin")
    before = c.get(url("assessment_detail", assessment_id=a.pk)).content.decode()
    assert 'name="points"' in before and "hx-post" in before
    with time_machine.travel(AFTER, tick=True):
        c = client_for("school_admin")  # a session of that day (sessions last 8 hours)
        body = c.get(url("assessment_detail", assessment_id=a.pk)).content.decode()
        assert 'data-testid="overdue-banner"' in body
        assert f"Đã quá hạn nộp (31/05/2026); liên hệ {a.supervisor.name} để được gia hạn" in body
        # no input of the self-assessment, no autosave, no submit button
        for trace in ('name="points"', 'name="sub_a"', "hx-post", 'data-testid="submit-btn"', 'name="met"'):
            assert trace not in body, trace
        # the school cannot extend its own deadline
        assert 'data-testid="extend-link"' not in body
        # the autosave endpoint refuses with the code; htmx reloads the page
        save = url("entry_save", assessment_id=a.pk, criterion_id=e.criterion_id)
        r = c.post(save, {"points": "5", "version": str(e.version)}, HTTP_HX_REQUEST="true")
        assert r.status_code == 409 and r["X-Error-Code"] == "deadline_passed" and r["HX-Refresh"] == "true"
        assert "Đã quá hạn nộp" in r.content.decode()
        # the plain form post too: nothing saved, the refusal flashed
        r = c.post(save, {"points": "5", "version": str(e.version)}, follow=True)
        assert "Đã quá hạn nộp" in r.content.decode()
    e.refresh_from_db()
    assert e.points is None


def test_ward_officer_extends_a_school_of_the_ward_and_it_is_editable_again(city, campaign, client_for):
    a = assessment_of(campaign, city.schools[0])
    services.assessment_ensure_entries(a)
    e = a.entries.get(criterion__code="I.4")
    school, officer = city.actor_of("school_admin"), city.actor_of("ward_officer")
    with time_machine.travel(AFTER, tick=True):
        page = client_for("ward_officer").get(url("assessment_detail", assessment_id=a.pk)).content.decode()
        assert 'data-testid="extend-link"' in page
        r = client_for("ward_officer").post(
            url("assessment_extend", assessment_id=a.pk),
            {"new_deadline": "2026-06-12", "reason": "Trường bị ngập, mất điện ba ngày"},
        )
        assert r.status_code == 302
        a.refresh_from_db()
        assert a.extended_until == dt.date(2026, 6, 12) and a.deadline == dt.date(2026, 6, 12)
        services.entry_save(
            actor=school, entry=e, data=EntryIn.model_validate({"points": "5"}), version=e.version
        )
        body = client_for("school_admin").get(url("assessment_detail", assessment_id=a.pk)).content.decode()
        assert 'data-testid="overdue-banner"' not in body and 'name="points"' in body
    ext = DeadlineExtension.objects.get(assessment=a)
    assert (ext.previous_deadline, ext.new_deadline) == (dt.date(2026, 5, 31), dt.date(2026, 6, 12))
    assert ext.created_by == officer.user and ext.reason.startswith("Trường bị ngập")
    h = [x for x in entries_for(a) if x.operation == "assessment_extend_deadline"]
    assert h and h[0].changes == {"extended_until": [None, "2026-06-12"]} and "ngập" in h[0].note
    # the other schools stay closed
    other = assessment_of(campaign, city.schools[1])
    services.assessment_ensure_entries(other)
    o = other.entries.get(criterion__code="I.4")
    with time_machine.travel(AFTER), pytest.raises(services.DeadlinePassed):
        services.entry_save(
            actor=Actor.system(source="test"),
            entry=o,
            data=EntryIn.model_validate({"points": "5"}),
            version=o.version,
        )
    # once the extension runs out, the school is closed again
    with (
        time_machine.travel(dt.datetime(2026, 6, 13, 9, 0, tzinfo=dt.UTC)),
        pytest.raises(services.DeadlinePassed),
    ):
        services.entry_save(
            actor=school, entry=e, data=EntryIn.model_validate({"points": "6"}), version=e.version + 1
        )


def test_who_may_extend_what(city, campaign, client_for):
    a1, b1 = assessment_of(campaign, city.schools[0]), assessment_of(campaign, city.schools[2])
    new = dt.date(2026, 6, 10)
    # a ward officer: not the whole campaign, not a school of another ward
    with pytest.raises(PermissionDenied):
        services.campaign_extend_deadline(
            actor=city.actor_of("ward_officer"), campaign=campaign, new_deadline=new, reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.assessment_extend_deadline(
            actor=city.actor_of("ward_officer"), assessment=b1, new_deadline=new, reason="x"
        )
    # the school itself, a teacher, a viewer: never
    for role in ("school_admin", "teacher", "viewer"):
        with pytest.raises(PermissionDenied):
            services.assessment_extend_deadline(
                actor=city.actor_of(role), assessment=a1, new_deadline=new, reason="x"
            )
        r = client_for(role).get(url("assessment_extend", assessment_id=a1.pk))
        assert r.status_code in (403, 404)
    assert client_for("ward_officer").get(url("campaign_extend", campaign_id=campaign.pk)).status_code == 403
    assert client_for("ward_officer").get(url("assessment_extend", assessment_id=b1.pk)).status_code == 404
    assert not DeadlineExtension.objects.exists()


def test_department_extends_the_campaign_for_every_school(city, campaign, client_for):
    c = client_for("dept_officer")
    assert (
        'data-testid="campaign-extend-link"'
        in c.get(url("campaign_detail", campaign_id=campaign.pk)).content.decode()
    )
    r = c.post(
        url("campaign_extend", campaign_id=campaign.pk),
        {"new_deadline": "2026-06-30", "reason": "Gia hạn chung theo công văn của Sở"},
    )
    assert r.status_code == 302
    campaign.refresh_from_db()
    # the review deadline moves along rather than fall before the self-assessment's
    assert campaign.self_deadline == campaign.review_deadline == dt.date(2026, 6, 30)
    ext = DeadlineExtension.objects.get()
    assert ext.assessment is None and ext.previous_deadline == dt.date(2026, 5, 31)
    me = city.actor_of("school_admin")
    a = assessment_of(campaign, city.schools[0])
    services.assessment_ensure_entries(a)
    e = a.entries.get(criterion__code="I.4")
    with time_machine.travel(AFTER):
        services.entry_save(
            actor=me, entry=e, data=EntryIn.model_validate({"points": "5"}), version=e.version
        )
    page = c.get(url("campaign_extend", campaign_id=campaign.pk)).content.decode()
    assert "Gia hạn chung theo công văn của Sở" in page and "30/06/2026" in page


@pytest.mark.parametrize(
    ("new", "reason", "code"),
    [
        ("2026-06-10", "   ", "reason_required"),
        ("2026-05-01", "Lý do", "deadline_in_past"),
        ("2026-05-20", "Lý do", "deadline_not_later"),
        ("2030-01-01", "Lý do", "deadline_too_far"),
    ],
)
def test_an_extension_must_be_later_reasoned_and_plausible(city, campaign, new, reason, code):
    a = assessment_of(campaign, city.schools[0])
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_extend_deadline(
            actor=city.actor_of("ward_officer"),
            assessment=a,
            new_deadline=dt.date.fromisoformat(new),
            reason=reason,
        )
    assert exc.value.code == code
    assert not DeadlineExtension.objects.exists()


def test_the_form_refuses_bad_input_in_vietnamese_without_a_500(city, campaign, client_for):
    a = assessment_of(campaign, city.schools[0])
    c = client_for("ward_officer")
    for data in (
        {"new_deadline": "not a date", "reason": "x"},
        {"new_deadline": "99999-01-01", "reason": "x"},
        {"new_deadline": "2026-05-20", "reason": "Lý do"},
        {"new_deadline": "2026-06-10", "reason": "x" * 5000},
        {"new_deadline": "2026-06-10\x00", "reason": "x"},
        {},
    ):
        r = c.post(url("assessment_extend", assessment_id=a.pk), data)
        assert r.status_code == 200, data
        assert 'data-testid="extend-form"' in r.content.decode()
    body = c.post(
        url("assessment_extend", assessment_id=a.pk), {"new_deadline": "2026-05-20", "reason": "Lý do"}
    ).content.decode()
    assert "Hạn mới phải sau hạn hiện tại (31/05/2026)." in body
    assert not DeadlineExtension.objects.exists()


def test_a_submitted_assessment_or_a_closed_campaign_has_nothing_to_extend(city, campaign):
    from .conftest import fill

    a = assessment_of(campaign, city.schools[0])
    fill(city.actor_of("school_admin"), a)
    services.assessment_submit(actor=city.actor_of("school_admin"), assessment=a)
    with pytest.raises(services.Locked) as exc:
        services.assessment_extend_deadline(
            actor=city.actor_of("ward_officer"), assessment=a, new_deadline=dt.date(2026, 6, 10), reason="x"
        )
    assert exc.value.code == "nothing_to_extend"
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.REVIEW)
    campaign.refresh_from_db()
    with pytest.raises(services.Locked) as exc:
        services.campaign_extend_deadline(
            actor=city.actor_of("dept_officer"),
            campaign=campaign,
            new_deadline=dt.date(2026, 6, 10),
            reason="x",
        )
    assert exc.value.code == "campaign_not_open"


def test_huge_ids_are_a_404_and_huge_form_keys_are_ignored_never_a_500(city, campaign, client_for):
    huge = "99999999999999999999"
    c = client_for("dept_officer")
    for path in (f"/monitoring/assessments/{huge}/deadline/", f"/monitoring/campaigns/{huge}/deadline/"):
        assert c.get(path).status_code == 404
        assert c.post(path, {"new_deadline": "2026-06-10", "reason": "x"}).status_code == 404
    a = assessment_of(campaign, city.schools[0])
    from .conftest import fill

    fill(city.actor_of("school_admin"), a)
    services.assessment_submit(actor=city.actor_of("school_admin"), assessment=a)
    r = client_for("ward_officer").post(
        url("assessment_review", assessment_id=a.pk),
        {
            f"adjust_{huge}": "1",
            f"reason_{huge}": "x",
            f"comment_{huge}": "x",
            "note": "Bổ sung",
            "action": "return",
        },
    )
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == "returned"
