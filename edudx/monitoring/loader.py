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


SCORING = ("fw_4725_scoring.json", "fw_3806_scoring.json")


def load_scoring(models: Any, data: dict[str, Any]) -> int:
    """Give every framework of `data["framework"]` the levels it evaluates and the scoring bands
    of its automatically evidenced sub-items (those it lacks: a corrected band stays). `models`
    has Framework, Criterion and ScoringBand. Returns the bands created."""
    created = 0
    for fw in models.Framework.objects.filter(code=data["framework"]):
        if not fw.levels:
            fw.levels = list(data.get("levels", []))
            fw.save(update_fields=["levels"])
        criteria = {c.code: c for c in models.Criterion.objects.filter(group__framework=fw)}
        for rule in data["auto"]:
            crit = criteria.get(rule["criterion"])
            if crit is None or crit.kind != "points":
                continue
            if models.ScoringBand.objects.filter(criterion=crit, subitem_code=rule["subitem"]).exists():
                continue
            models.ScoringBand.objects.bulk_create(
                models.ScoringBand(
                    criterion=crit,
                    subitem_code=rule["subitem"],
                    indicator_code=rule["indicator"],
                    lower=Decimal(str(lower)),
                    points=Decimal(str(points)),
                )
                for lower, points in rule["bands"]
            )
            created += len(rule["bands"])
    return created
