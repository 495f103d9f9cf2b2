"""Load a framework shipped as JSON (data/fw_*.json) into the tables.

Used by the data migration (with historical models) and by the `monitoring_frameworks`
command; writes plain rows because it runs before any user or scope exists.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED = ("fw_4725.json", "fw_3806.json")


def read(name: str) -> dict[str, Any]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def load(models: Any, data: dict[str, Any], *, year: int, state: str = "active"):
    """Create the framework for `year` unless one with the same code and year exists.

    `models` is anything with Framework, FrameworkGroup, Criterion and SubItem attributes
    (the app's models module, or a namespace of historical models in a migration).
    """
    existing = models.Framework.objects.filter(code=data["code"], year=year).first()
    if existing is not None:
        return existing
    fw = models.Framework.objects.create(
        code=data["code"],
        name=data["name"],
        year=year,
        subject=data["subject"],
        state=state,
        source=data.get("source", ""),
        levels_on_total=data.get("levels_on_total", False),
        notes=data.get("notes", ""),
    )
    for g_order, g in enumerate(data["groups"], start=1):
        group = models.FrameworkGroup.objects.create(
            framework=fw,
            code=g["code"],
            name=g["name"],
            order=g_order,
            max_points=Decimal(str(g["max_points"])),
        )
        for c_order, c in enumerate(g["criteria"], start=1):
            crit = models.Criterion.objects.create(
                group=group,
                code=c["code"],
                name=c["name"],
                order=c_order,
                kind=c.get("kind", "points"),
                max_points=Decimal(str(c.get("max_points", 0))),
                bands=c.get("bands", []),
                evidence_required=c.get("evidence_required", ""),
                indicator_code=c.get("indicator_code", ""),
            )
            for s_order, s in enumerate(c.get("subitems", []), start=1):
                models.SubItem.objects.create(
                    criterion=crit,
                    code=s["code"],
                    name=s["name"],
                    order=s_order,
                    max_points=Decimal(str(s["max_points"])),
                )
    return fw
