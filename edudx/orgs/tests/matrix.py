"""Objects private to ward B / school B1 for the route × role matrix test (tests/test_route_matrix.py)."""

from __future__ import annotations

from edudx.core.actor import Actor
from edudx.orgs import services

GROUPING_MARKER = "Nhom rieng Ben Thanh MXB"


def providers(city) -> dict[str, tuple[int, str]]:
    system = Actor.system(source="test")
    b1 = city.schools[2]
    grouping = services.grouping_create(
        actor=system, code="MX-GB", name=GROUPING_MARKER, kind="programme", owner=city.wards[1]
    )
    services.grouping_set_members(actor=system, grouping=grouping, units=[b1.unit])
    return {
        "unit_id": (b1.unit.pk, b1.unit.name),
        "grouping_id": (grouping.pk, GROUPING_MARKER),
    }
