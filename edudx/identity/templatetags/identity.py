"""`{% load identity %}{% verification_badge student %}` shows a person's registry status on
any page that already holds the person (read through a registry selector)."""

from django import template

from .. import selectors
from ..models import Status

register = template.Library()


@register.inclusion_tag("identity/_status_badge.html", takes_context=True)
def verification_badge(context, person):
    request = context.get("request")
    scope = getattr(request, "scope", None)
    if scope is None or person is None or not scope.has_perm(selectors.perms.VIEW):
        return {"show": False}
    v = selectors.status_of(scope=scope, person=person)
    return {"show": True, "verification": v, "status": v.status if v else Status.UNVERIFIED}


@register.filter
def differing_labels(fields):
    """["full_name", "gender"] → "full name, gender" in the user's language."""
    from django.utils.translation import gettext as _

    names = {"full_name": _("full name"), "date_of_birth": _("date of birth"), "gender": _("gender")}
    return ", ".join(str(names.get(f, f)) for f in fields or ())


@register.inclusion_tag("identity/_summary_card.html", takes_context=True)
def verification_summary(context, kind="student"):
    """A dashboard card: people in the user's scope by verification status, with a link."""
    request = context.get("request")
    scope = getattr(request, "scope", None)
    if scope is None or not scope.has_perm(selectors.perms.VIEW):
        return {"show": False}
    counts = selectors.status_counts(scope=scope, kind=kind)
    labels = dict(Status.choices)
    total = sum(counts.values())
    return {
        "show": True,
        "total": total,
        "rows": [
            {"status": s, "label": labels[s], "n": n, "pct": round(100 * n / total) if total else 0}
            for s, n in counts.items()
        ],
    }
