"""Objects of school B1 for the route × role matrix and the bulk-door matrix (docs/developing.md)."""

from __future__ import annotations

from typing import Any


def providers(city: Any) -> dict[str, tuple[int, str]]:
    """The skills routes take no id of their own yet (schools: the registry's provider)."""
    return {}


def bulk_rows(city: Any, b1: Any) -> dict[str, list[list[dict[str, str]]]]:
    """A test centre's rows naming B1's teacher by personal ID and by name + birth date."""
    teacher = city.staff[2]
    dob = teacher.date_of_birth.strftime("%d/%m/%Y") if teacher.date_of_birth else ""
    row = {
        "candidate_name": teacher.full_name,
        "date_of_birth": dob,
        "certificate": "IC3_GS6",
        "number": "BULK-B1",
    }
    return {
        "skills_results": [
            [{**row, "personal_id": teacher.personal_id or ""}],
            [{**row, "number": "BULK-B1-2"}],
        ]
    }
