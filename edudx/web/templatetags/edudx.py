"""Small template helpers shared by every module's pages."""

from django import template
from django.utils.http import urlencode

from edudx.core.rules.dates import format_vn
from edudx.core.rules.personal_id import mask

register = template.Library()


@register.filter
def vndate(value):
    return format_vn(value)


@register.filter
def masked(value):
    return mask(value)


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The current query string with some parameters changed (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"
