"""What readers do with a published resource: use (views, downloads), ratings, comments."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.actor import Actor
from edudx.core.errors import Conflict, PermissionDenied, ValidationFailed
from edudx.core.services import full_clean_or_raise

from ..models import (
    Comment,
    Rating,
    Resource,
    State,
    Use,
)

if TYPE_CHECKING:
    pass


# ----- use
def use_record(*, actor: Actor, resource: Resource, kind: str, at: dt.datetime | None = None) -> None:
    Use.objects.create(
        resource=resource, kind=kind, user=actor.user, subject=resource.subject, at=at or timezone.now()
    )
    counter = {"view": "view_count", "download": "download_count"}.get(kind)
    updates: dict[str, Any] = {"use_count": F("use_count") + 1}
    if counter:
        updates[counter] = F(counter) + 1
    Resource.objects.filter(pk=resource.pk).update(**updates)


@transaction.atomic
def rating_set(*, actor: Actor, resource: Resource, stars: int) -> Rating:
    if actor.user is None:
        raise PermissionDenied()
    if not 1 <= int(stars) <= 5:
        raise ValidationFailed(_("Give from 1 to 5 stars."), code="bad_stars")
    if resource.state != State.PUBLISHED:
        raise Conflict(_("Only published resources can be rated."), code="not_published")
    rating, created = Rating.objects.get_or_create(
        resource=resource, user=actor.user, defaults={"stars": stars}
    )
    old = 0 if created else rating.stars
    if not created:
        rating.stars = stars
        rating.save(update_fields=["stars", "created_at"])
    Resource.objects.filter(pk=resource.pk).update(
        rating_sum=F("rating_sum") - old + int(stars), rating_count=F("rating_count") + (1 if created else 0)
    )
    return rating


@transaction.atomic
def comment_add(*, actor: Actor, resource: Resource, text: str) -> Comment:
    if actor.user is None:
        raise PermissionDenied()
    text = text.strip()
    if not text:
        raise ValidationFailed(_("Write a comment first."), code="empty_comment")
    comment = Comment(resource=resource, user=actor.user, text=text[:4000])
    full_clean_or_raise(comment)
    comment.save()
    return comment
