"""The yearly campaign pattern, for any app that asks a set of respondents (schools, staff) to
fill something in before a deadline and has a reviewer confirm it.

Two abstract models and the rules they share:

* `CampaignWindow` — a campaign's school year, its self-assessment and review deadlines and
  its state (draft → open → closed); `default_deadlines` gives the 4725 calendar's days.
* `Submission` — one respondent's answer: a django-fsm-2 machine (decision 0010)
  not_started → draft → submitted → returned | confirmed, with the moves on the model, the
  per-respondent extension (`extended_until`) and the `deadline` it yields.
* `check_extension` — the refusals of a deadline extension (reason, past, not later, too far);
  `reminder_due` — which submissions a reminder goes to.

Each app keeps its own tables (a subclass of each) and its own services (scope, history); the
pattern lives here once. `skills` uses it; `monitoring.Campaign`/`Assessment` hold the same
fields and rules in their own code today (see edudx/skills/README.md, "Campaigns").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from .errors import ValidationFailed
from .models import TimeStamped

# An extension further than this is a typing mistake, not a plan.
MAX_AHEAD = dt.timedelta(days=366)


def default_deadlines(school_year: str) -> tuple[dt.date, dt.date]:
    """31 May and 20 June of the year the school year ("2025-2026") ends in."""
    end_year = int(school_year.split("-")[1])
    return dt.date(end_year, 5, 31), dt.date(end_year, 6, 20)


class CampaignWindow(TimeStamped):
    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("campaign", "In preparation")
        OPEN = "open", pgettext_lazy("campaign", "Open")
        CLOSED = "closed", pgettext_lazy("campaign", "Closed")

    name = models.CharField(_("name"), max_length=255)
    school_year = models.CharField(_("school year"), max_length=9)  # "2025-2026"
    self_deadline = models.DateField(_("self-assessment deadline"))
    review_deadline = models.DateField(_("confirmation deadline"))
    state = FSMField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, protected=False)

    class Meta:
        abstract = True
        ordering = ("-school_year", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(review_deadline__gte=F("self_deadline")), name="%(app_label)s_%(class)s_deadlines"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @transition(field=state, source=[State.DRAFT], target=State.OPEN)
    def open(self) -> None:
        """Respondents may fill in from now on."""

    @transition(field=state, source=[State.OPEN], target=State.CLOSED)
    def close(self) -> None:
        """Nothing changes any more."""


class Submission(TimeStamped):
    """One respondent's answer to a campaign; a subclass adds `campaign` (a ForeignKey to its
    CampaignWindow subclass) and who responds."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", pgettext_lazy("campaign", "Not started")
        DRAFT = "draft", pgettext_lazy("campaign", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("campaign", "Submitted")
        RETURNED = "returned", pgettext_lazy("campaign", "Returned")
        CONFIRMED = "confirmed", pgettext_lazy("campaign", "Confirmed")

    status = FSMField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED, protected=False
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    extended_until = models.DateField(_("deadline extended to"), null=True, blank=True)

    campaign: Any  # the subclass's ForeignKey to its CampaignWindow subclass

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.NOT_STARTED, self.Status.DRAFT, self.Status.RETURNED)

    @property
    def deadline(self) -> dt.date:
        """The self-assessment deadline (the review deadline once returned), or the later day an
        officer extended it to."""
        c = self.campaign
        base: dt.date = c.review_deadline if self.status == self.Status.RETURNED else c.self_deadline
        extended: dt.date | None = self.extended_until
        return max(base, extended) if extended else base

    @transition(field=status, source=[Status.NOT_STARTED], target=Status.DRAFT)
    def start(self) -> None:
        """The respondent saved a first answer."""

    @transition(
        field=status, source=[Status.NOT_STARTED, Status.DRAFT, Status.RETURNED], target=Status.SUBMITTED
    )
    def submit(self) -> None:
        self.submitted_at = timezone.now()

    @transition(field=status, source=[Status.SUBMITTED], target=Status.RETURNED)
    def send_back(self) -> None:
        """Returned to the respondent with the reviewer's note."""

    @transition(field=status, source=[Status.SUBMITTED], target=Status.CONFIRMED)
    def confirm(self) -> None:
        self.confirmed_at = timezone.now()


def check_extension(new_deadline: dt.date, previous: dt.date, reason: str, *, today: dt.date) -> str:
    """The tidied reason, or a coded refusal: no reason, a day in the past, not later than the
    current deadline, more than a year ahead."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            pgettext_lazy("campaign", "Say why the deadline is extended."), code="reason_required"
        )
    if new_deadline < today:
        raise ValidationFailed(
            pgettext_lazy("campaign", "The new deadline cannot be in the past."), code="deadline_in_past"
        )
    if new_deadline <= previous:
        raise ValidationFailed(
            pgettext_lazy("campaign", "The new deadline must be later than the current one (%(d)s).")
            % {"d": previous.strftime("%d/%m/%Y")},
            code="deadline_not_later",
        )
    if new_deadline > today + MAX_AHEAD:
        raise ValidationFailed(
            pgettext_lazy("campaign", "The new deadline may be at most a year from today."),
            code="deadline_too_far",
        )
    return reason


def reminder_due(
    submissions: Iterable[Submission], *, today: dt.date, days_before: int = 7
) -> list[Submission]:
    """The editable submissions whose deadline falls within `days_before` days (or has passed)."""
    horizon = today + dt.timedelta(days=days_before)
    return [s for s in submissions if s.is_editable and s.deadline <= horizon]
