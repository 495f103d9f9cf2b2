"""An officer reviews a possible duplicate, merges it choosing fields, sees both histories,
and unmerges it: both records come back as they were."""

import datetime as dt

import pytest
from playwright.sync_api import expect


@pytest.mark.browser
def test_an_officer_merges_a_duplicate_choosing_fields_then_unmerges(live_city, live_server, page, login):
    from edudx.core.actor import Actor
    from edudx.core.roles import Role
    from edudx.quality.models import CandidatePair, Merge
    from edudx.registry import services as registry
    from edudx.registry.models import Student
    from edudx.registry.schemas import StudentFields

    original = live_city.students[0]
    copy = registry.student_create(
        actor=Actor.system(),
        school=live_city.schools[2],
        data=StudentFields(full_name="Nguyen Van An PAa", gender="male", date_of_birth=dt.date(2014, 3, 1),
                           moet_code="7999999901", parent_phone="0987654321"),
    )  # fmt: skip
    lo, hi = sorted((original.pk, copy.pk))
    pair = CandidatePair.objects.create(
        kind="students", record_a=lo, record_b=hi, probability=0.991,
        school_a=Student.objects.get(pk=lo).school, school_b=Student.objects.get(pk=hi).school,
    )  # fmt: skip
    before = Student.objects.filter(pk__in=[lo, hi]).order_by("pk").values()
    before = [dict(r) for r in before]

    login(live_city.users[Role.DEPT_OFFICER].username)
    page.goto(f"{live_server.url}/quality/")
    page.get_by_test_id("review-pair").first.click()
    table = page.get_by_test_id("side-by-side")
    expect(table.locator('tr[data-field="parent_phone"][data-differs="1"]')).to_be_visible()
    expect(table.locator('tr[data-field="date_of_birth"][data-differs="1"]')).to_have_count(0)
    # Keep the original record; take the copy's parent phone, keep the original's name.
    page.locator(f'input[name="survivor"][value="{original.pk}"]').check()
    page.locator(f'input[name="take_parent_phone"][value="{copy.pk}"]').check()
    page.locator(f'input[name="take_full_name"][value="{original.pk}"]').check()
    page.get_by_test_id("merge").click()
    expect(page.get_by_test_id("merge-state")).to_have_text("Đã áp dụng")
    expect(page.get_by_test_id("history-1")).to_contain_text("merged_from")
    expect(page.get_by_test_id("history-2")).to_contain_text("merged_into")
    assert Student.objects.get(pk=original.pk).parent_phone == "0987654321"
    assert not Student.objects.filter(pk=copy.pk).exists()

    page.get_by_test_id("unmerge").click()
    expect(page.get_by_test_id("merge-state")).to_have_text("Đã hoàn tác")
    expect(page.get_by_test_id("history-2")).to_contain_text("unmerge")
    after = [dict(r) for r in Student.objects.filter(pk__in=[lo, hi]).order_by("pk").values()]
    assert after == before
    assert CandidatePair.objects.get(pk=pair.pk).state == "open"
    assert Merge.objects.get(pair=pair).state == "undone"
