"""Load the shipped frameworks and certificate catalogue (data/shipped.json) into the tables.

Used by the data migration with historical models, so it writes plain rows (no user, no scope
exists yet); later edits go through `skills.services` with history.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).resolve().parent / "data" / "shipped.json"


def read() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return data


def load(models: Any, data: dict[str, Any]) -> None:
    """`models` has Framework, Domain, Competence, Level and Certificate (the app's module, or a
    namespace of a migration's historical models). Frameworks and certificates already present
    (same code and version, same code) are left as they are."""
    modules: dict[str, Any] = {}
    learner: dict[str, Any] = {}
    for fw in data["frameworks"]:
        framework, created = models.Framework.objects.get_or_create(
            code=fw["code"],
            version=fw["version"],
            defaults={
                "name": fw["name"],
                "audience": fw["audience"],
                "source": fw.get("source", ""),
                "note": fw.get("note", ""),
            },
        )
        comps = {c.code: c for c in models.Competence.objects.filter(framework=framework)}
        if created:
            order = 0
            for d_order, (d_code, d_name, competences) in enumerate(fw["domains"], start=1):
                domain = models.Domain.objects.create(
                    framework=framework, code=d_code, name=d_name, order=d_order
                )
                for c_code, c_name in competences:
                    order += 1
                    comps[c_code] = models.Competence.objects.create(
                        framework=framework,
                        domain=domain,
                        code=c_code,
                        name=c_name,
                        order=order,
                        is_basic=fw["audience"] == "it_standard" and d_code == "CB",
                        verify=bool(fw.get("verify")),
                    )
            for rank, code, name, g_from, g_to, verify in fw["levels"]:
                models.Level.objects.create(
                    framework=framework,
                    rank=rank,
                    code=code,
                    name=name,
                    grade_from=g_from,
                    grade_to=g_to,
                    verify=verify,
                )
        if fw["audience"] == "it_standard":
            modules = comps
        elif fw["audience"] == "learner":
            learner = comps
    for c in data["certificates"]:
        cert, created = models.Certificate.objects.get_or_create(
            code=c["code"],
            defaults={
                k: c[k]
                for k in (
                    "name",
                    "family",
                    "issuer",
                    "levels",
                    "validity_months",
                    "meets_standard",
                    "verify",
                    "note",
                )
            },
        )
        if created:
            cert.modules.set([modules[m] for m in c["modules"] if m in modules])
            cert.competences.set([learner[m] for m in c["competences"] if m in learner])
