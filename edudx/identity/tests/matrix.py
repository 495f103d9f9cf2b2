"""Objects private to school B1 for the route × role matrix test (docs/developing.md)."""

from __future__ import annotations


def providers(city) -> dict[str, tuple[int, str]]:
    from edudx.identity.models import VerificationRun

    b1 = city.schools[2]
    marker = f"Lượt xác thực riêng {b1.moet_code}"
    run = VerificationRun.objects.create(
        school_id=b1.pk, school_name=f"{b1.name} · {marker}", unit_path=b1.unit.path, total=3
    )
    return {"verification_run_id": (run.pk, marker)}
