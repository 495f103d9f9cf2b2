"""Score cells of the scorecard pages: one filter call per cell instead of an include and a
loop over the card's dimensions per cell (the city page has ~200 rows of seven scores)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

from ..scoring.catalogue import SCORED

register = template.Library()


@register.filter
def dimension_values(card: Any) -> list[float | None]:
    """The card's dimension scores in the order of the page's columns."""
    dims = card.dimensions if hasattr(card, "dimensions") else (card or {})
    return [dims.get(d) for d in SCORED]


@register.filter
def badge(value: float | None) -> SafeString:
    """A score as a coloured badge (≥ 95 green, ≥ 80 amber, else red); — when there is none."""
    if value is None:
        return mark_safe('<span class="text-secondary">—</span>')  # noqa: S308 (a constant)
    css = "text-bg-success" if value >= 95 else "text-bg-warning" if value >= 80 else "text-bg-danger"
    # A number formatted by Django (digits and separators) in a constant: nothing to escape.
    return mark_safe(f'<span class="badge {css}">{number_format(float(value), 1)}</span>')  # noqa: S308
