"""Objects for the route × role matrix: an import run made in school B1's context."""

from __future__ import annotations

from django.core.files.base import ContentFile

from edudx.ingest.models import ImportRun

MARKER = "b1-ingest-marker-7e3f"


def providers(city) -> dict[str, tuple[int, str]]:
    b1 = city.schools[2]
    run = ImportRun(
        kind="students",
        unit_id=b1.unit_id,
        unit_path=b1.unit.path,
        user_label=MARKER,
        file_name=f"{MARKER}.csv",
        sha256="0" * 64,
        size=10,
        file_format="csv",
        state=ImportRun.State.CHECKED,
        report={
            "problems": [
                {"row": 2, "column": "Họ và tên", "code": "x", "severity": "warning", "message": MARKER}
            ],
            "diffs": [],
            "headers": ["Họ và tên"],
        },
    )
    run.file.save(f"{MARKER}.csv", ContentFile(f"Họ và tên\n{MARKER}\n".encode()), save=False)
    run.save()
    return {"run_id": (run.pk, MARKER)}
