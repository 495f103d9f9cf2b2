"""Objects of school B1 for the route × role matrix test (see docs/developing.md)."""

import datetime as dt


def providers(city) -> dict[str, tuple[int, str]]:
    from edudx.core.actor import Actor
    from edudx.quality import services
    from edudx.quality.models import CandidatePair, DedupeRun, ReportingDeadline
    from edudx.registry import services as registry
    from edudx.registry.schemas import StudentFields

    a = Actor.system(source="matrix")
    b1 = city.schools[2]
    made = [
        registry.student_create(
            actor=a, school=b1,
            data=StudentFields(full_name=name, gender="female", date_of_birth=dt.date(2014, 5, 5), moet_code=code),
        )
        for name, code in (("Trần Thị Matrixqual", "7988888801"), ("Tran Thi Matrixqual", "7988888802"),
                           ("Lê Văn Matrixmerge", "7988888803"), ("Le Van Matrixmerge", "7988888804"))
    ]  # fmt: skip
    pair = CandidatePair.objects.create(kind="students", record_a=made[0].pk, record_b=made[1].pk,
                                        school_a=b1, school_b=b1, probability=0.97)  # fmt: skip
    merged = CandidatePair.objects.create(kind="students", record_a=made[2].pk, record_b=made[3].pk,
                                          school_a=b1, school_b=b1, probability=0.99)  # fmt: skip
    merge = services.pair_merge(actor=a, pair=merged, survivor_id=made[2].pk, take=["full_name"])
    run = DedupeRun.objects.create(kind="students")
    # The calendar is the department's (no school owns a deadline): only its managers may remove one.
    deadline = ReportingDeadline.objects.create(name="Matrix deadline", due=dt.date(2025, 12, 1))
    return {
        "deadline_id": (deadline.pk, ""),
        "pair_id": (pair.pk, "Matrixqual"),
        "merge_id": (merge.pk, "Matrixmerge"),
        "dedupe_run_id": (run.pk, ""),
    }
