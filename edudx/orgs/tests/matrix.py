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


def bulk_rows(city, b1) -> dict[str, list[list[dict[str, str]]]]:
    """Unit-tree files naming ward B (which holds school B1) through its code: a rename of ward B,
    a new unit under it, and ward A's would-be child moved under it (tests/test_bulk_door_matrix.py)."""
    ward_a, ward_b = city.wards
    return {
        "units": [
            [
                {
                    "code": ward_b.code,
                    "name": "Phường Đổi Tên",
                    "kind": "Phường",
                    "parent_code": city.dept.code,
                },
                {"code": "PBX1", "name": "Phòng Lạ", "kind": "Phòng/Ban", "parent_code": ward_b.code},
            ],
            [{"code": ward_b.code, "name": ward_b.name, "kind": "Phường", "parent_code": ward_a.code}],
        ]
    }
