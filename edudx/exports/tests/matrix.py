"""For the route × role matrix test: a job of a user outside the city's roles, whose page would
show its marker (a failure text) — no role may open it, department roles included (404)."""

from __future__ import annotations


def providers(city) -> dict[str, tuple[int, str]]:
    from edudx.accounts import services as accounts
    from edudx.core.actor import Actor
    from edudx.exports.models import ExportJob

    owner = accounts.user_create(
        actor=Actor.system(source="test"),
        username="export_owner_b1",
        full_name="Export owner",
        password="x-Very-long-1",
    )
    job = ExportJob.objects.create(
        owner=owner, exporter="registry.students", format="csv", state=ExportJob.State.FAILED,
        failure="EXPORT-OF-ANOTHER-USER-B1",
    )  # fmt: skip
    return {"job_id": (job.pk, job.failure)}
