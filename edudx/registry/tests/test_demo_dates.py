"""The demo is alive on any day (issue #13 item 7): loaded on two dates a school year apart,
its current year is the one containing the day, the current evaluation campaign is open with
its deadlines ahead, last year's is published, and nothing that happened lies in the future."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from edudx.core.models import HistoryEntry
from edudx.infrastructure.models import Device
from edudx.library.models import Resource, Use
from edudx.lrs.models import Statement
from edudx.monitoring.models import Assessment, Campaign
from edudx.registry.models import Enrolment, SchoolYear, Staff, Student

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("moment", "current", "previous"),
    [
        # before September: the school year that opened last autumn
        (dt.datetime(2027, 3, 1, 7, 30, tzinfo=HCM), "2026-2027", "2025-2026"),
        # from September on: the year that has just opened
        (dt.datetime(2027, 10, 15, 7, 30, tzinfo=HCM), "2027-2028", "2026-2027"),
        # September, before the year opens on the 5th: it is current, but nobody has moved yet
        (dt.datetime(2027, 9, 2, 7, 30, tzinfo=HCM), "2027-2028", "2026-2027"),
    ],
)
def test_the_demo_loaded_on_any_day_is_current_and_nothing_lies_in_the_future(db, moment, current, previous):
    with time_machine.travel(moment, tick=True):
        call_command("demo", scale="tiny", strict=True, stdout=io.StringIO())
        now = dt.datetime.now(dt.UTC)
    today = moment.date()

    # the registry's calendar
    year = SchoolYear.objects.get(is_current=True)
    assert year.code == current and today <= year.end_date
    assert set(SchoolYear.objects.values_list("code", flat=True)) == {previous, current}
    assert not Student.objects.filter(status_date__gt=today).exists()
    assert not Student.objects.filter(date_of_birth__gt=today).exists()
    # enrolments start no later than the year's opening; moves and ends lie in the past
    assert not Enrolment.objects.filter(start_date__gt=max(today, year.start_date)).exists()
    assert not Enrolment.objects.filter(start_date__gt=today).exclude(start_date=year.start_date).exists()
    assert not Enrolment.objects.filter(end_date__gt=today).exists()
    # staff are of working age on the day
    for dob in Staff.objects.values_list("date_of_birth", flat=True):
        assert 22 <= (today - dob).days // 365 <= 62

    # monitoring: last year published, this year open with its deadlines ahead
    # (the schools' 4725 campaigns; last year's 3806 authority campaign has its own demo test)
    last = Campaign.objects.get(school_year=previous, framework__code="4725")
    this = Campaign.objects.get(school_year=current, framework__code="4725")
    assert last.state == Campaign.State.PUBLISHED and last.published_at <= now
    assert last.review_deadline < today
    assert set(last.assessments.values_list("status", flat=True)) == {Assessment.Status.PUBLISHED}
    assert this.state == Campaign.State.OPEN
    assert today < this.self_deadline <= this.review_deadline
    assert this.framework.year == int(current[-4:]) and last.framework.year == int(previous[-4:])
    for field in ("submitted_at", "approved_at", "published_at"):
        assert not Assessment.objects.filter(**{f"{field}__gt": now}).exists(), field

    # devices: bought in the past, within a plausible working life
    acquired = list(Device.objects.exclude(acquired_on=None).values_list("acquired_on", flat=True))
    assert acquired and max(acquired) <= today and min(acquired) >= today - dt.timedelta(days=13 * 366)

    # learning records and library use in the recent past
    stamps = list(Statement.objects.values_list("timestamp", flat=True))
    assert stamps and max(stamps) <= now and min(stamps) >= now - dt.timedelta(days=70)
    assert not Resource.objects.filter(published_at__gt=now).exists()
    assert not Resource.objects.filter(created_at__gt=now).exists()
    uses = list(Use.objects.values_list("at", flat=True))
    assert uses and max(uses) <= now

    assert not HistoryEntry.objects.filter(at__gt=now).exists()
