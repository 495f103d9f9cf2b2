"""Open courses and the citizens who take them: self-registration proved by a code sent to an
e-mail address or a phone, self-enrolment within a course's window and places.

A citizen's platform account has no membership, so every scoped page of the platform shows
them nothing; learning lets any signed-in person take a published open course they enrolled in
and read their own record (selectors.learner_record)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, FieldError, NotFound, ValidationFailed

from .. import statements
from ..models import Citizen, Course, CourseKind, CourseState, Enrolment

CODE_SECONDS = 15 * 60
RESEND_SECONDS = 60
MAX_TRIES = 5
PHONE = re.compile(r"^0\d{9,10}$")
sms_log = logging.getLogger("edudx.sms")  # the console SMS backend: a gateway is configured in production


def _code_hash(citizen_id: int, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{citizen_id}:{code}".encode(), hashlib.sha256).hexdigest()


def normalise_contact(contact: str) -> tuple[str, str]:
    """("email", address) or ("phone", 0xxxxxxxxx) from what the person typed."""
    text = contact.strip()
    if "@" in text:
        try:
            validate_email(text)
        except DjangoValidationError:
            text = ""
        if not text or len(text) > 254:
            raise ValidationFailed(
                details=[
                    FieldError("contact", "bad_contact", str(_("Enter an e-mail address or a phone number.")))
                ]
            )
        return "email", text.lower()
    digits = re.sub(r"[\s.\-()]", "", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if not PHONE.match(digits):
        raise ValidationFailed(
            details=[
                FieldError("contact", "bad_contact", str(_("Enter an e-mail address or a phone number.")))
            ]
        )
    return "phone", digits


def _send(citizen: Citizen, code: str) -> None:
    text = _g("Your edudx verification code is %(code)s (valid for 15 minutes).") % {"code": code}
    if citizen.email:
        send_mail(_g("edudx verification code"), text, None, [citizen.email], fail_silently=False)
    else:
        sms_log.info("SMS to %s: %s", citizen.phone, text)


def _new_code(citizen: Citizen) -> None:
    code = f"{secrets.randbelow(10**6):06d}"
    citizen.code_hash = _code_hash(citizen.pk, code)
    citizen.code_sent_at = timezone.now()
    citizen.tries = 0
    citizen.save(update_fields=["code_hash", "code_sent_at", "tries"])
    try:
        _send(citizen, code)
    except (OSError, smtplib.SMTPException) as exc:  # the registration is rolled back: ask again later
        raise Conflict(
            _("The code could not be sent. Try again in a few minutes."), code="code_not_sent"
        ) from exc


@transaction.atomic
def citizen_register(*, full_name: str, contact: str, password: str) -> Citizen:
    """Start a registration: the code goes to the e-mail or phone given (in development the
    console e-mail backend prints it, the SMS one logs it). Registering again with the same
    contact before verifying sends a new code (at most once a minute)."""
    full_name = " ".join(full_name.split())[:200]
    if not full_name:
        raise ValidationFailed(details=[FieldError("full_name", "required", str(_("Enter your full name.")))])
    kind, value = normalise_contact(contact)
    user_model = get_user_model()
    probe = user_model(username=value, full_name=full_name)
    try:
        validate_password(password, probe)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            details=[FieldError("password", "weak_password", m) for m in exc.messages]
        ) from exc
    if user_model.objects.filter(username__iexact=value).exists():
        raise Conflict(
            _("An account with this e-mail or phone already exists. Sign in instead."), code="contact_taken"
        )
    citizen = (
        Citizen.objects.select_for_update()
        .filter(**{kind: value}, verified_at__isnull=True)
        .order_by("-id")
        .first()
    )
    if (
        citizen is not None
        and citizen.code_sent_at
        and (timezone.now() - citizen.code_sent_at < timedelta(seconds=RESEND_SECONDS))
    ):
        raise Conflict(
            _("A code was sent a moment ago. Wait a minute before asking again."), code="code_recent"
        )
    if citizen is None:
        citizen = Citizen.objects.create(full_name=full_name, **{kind: value})
    citizen.full_name = full_name
    citizen.password_hash = make_password(password)
    citizen.save(update_fields=["full_name", "password_hash"])
    _new_code(citizen)
    return citizen


def citizen_verify(*, citizen_id: int, code: str) -> Citizen:
    """Confirm the code: the citizen's account is made (username = their e-mail or phone, no
    membership). Five wrong codes, or fifteen minutes, and a new code must be asked for."""
    with transaction.atomic():
        citizen = Citizen.objects.select_for_update().filter(pk=citizen_id, verified_at__isnull=True).first()
        if citizen is None or not citizen.code_hash or citizen.code_sent_at is None:
            raise NotFound()
        if citizen.tries >= MAX_TRIES or timezone.now() - citizen.code_sent_at > timedelta(
            seconds=CODE_SECONDS
        ):
            raise Conflict(_("This code has expired. Ask for a new one."), code="code_expired")
        right = hmac.compare_digest(citizen.code_hash, _code_hash(citizen.pk, code.strip()[:12]))
        if right:
            _make_account(citizen)
        else:
            citizen.tries += 1  # committed: the refusal below is raised outside the transaction
            citizen.save(update_fields=["tries"])
    if not right:
        raise ValidationFailed(details=[FieldError("code", "wrong_code", str(_("The code is not right.")))])
    return citizen


def _make_account(citizen: Citizen) -> None:
    user_model = get_user_model()
    username = citizen.email or citizen.phone
    if user_model.objects.filter(username__iexact=username).exists():
        raise Conflict(
            _("An account with this e-mail or phone already exists. Sign in instead."), code="contact_taken"
        )
    user = user_model(username=username, full_name=citizen.full_name, email=citizen.email)
    user.password = citizen.password_hash
    user.save()
    citizen.user = user
    citizen.verified_at = timezone.now()
    citizen.code_hash = citizen.password_hash = ""
    citizen.save(update_fields=["user", "verified_at", "code_hash", "password_hash"])
    history.record(
        actor=Actor.system(source="citizen_register"),
        obj=citizen,
        action="create",
        changes={"user": [None, user.pk]},
        operation="learning.citizen_verify",
    )


def open_course_error(course: Course) -> Conflict | None:
    """Why the course takes no new learner now, or None."""
    now = timezone.now()
    if course.kind != CourseKind.OPEN or course.state != CourseState.PUBLISHED:
        return Conflict(_("This course is not open for enrolment."), code="not_open")
    if course.enrol_opens_at and now < course.enrol_opens_at:
        return Conflict(_("Enrolment has not opened yet."), code="enrolment_not_open_yet")
    if course.enrol_closes_at and now >= course.enrol_closes_at:
        return Conflict(_("Enrolment has closed."), code="enrolment_closed")
    return None


@transaction.atomic
def open_enrol(*, actor: Actor, course: Course) -> Enrolment:
    """A signed-in person (citizen, pupil or staff) enrols themselves in a published open
    course, inside its window and while places remain. Enrolling twice is harmless."""
    if actor.user is None:
        raise NotFound()
    locked = Course.objects.select_for_update().filter(pk=course.pk, kind=CourseKind.OPEN).first()
    if locked is None or locked.state == CourseState.DRAFT:
        raise NotFound()
    course = locked
    mine = Enrolment.objects.filter(course=course, user=actor.user).first()
    if mine is not None and mine.active:
        return mine
    refusal = open_course_error(course)
    if refusal is not None:
        raise refusal
    # The course row is locked above (PostgreSQL), and SQLite has one writer: the count and
    # the insert below cannot interleave with another enrolment's.
    if course.capacity and Enrolment.objects.filter(course=course, active=True).count() >= course.capacity:
        raise Conflict(_("This course is full."), code="course_full")
    if mine is None:
        mine = Enrolment.objects.create(course=course, user=actor.user)
    else:
        mine.active = True
        mine.save(update_fields=["active"])
    statements.write(
        actor=actor,
        course=course,
        statement=statements.build(
            user_id=actor.user.pk,
            verb="registered",
            obj=statements.activity("course", course.pk, course.title),
            course=course,
        ),
    )
    return mine
