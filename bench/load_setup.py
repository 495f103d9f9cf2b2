"""Helpers of bench/load.py that run inside the benched database (EDUDX_VAR_DIR / DATABASE_URL
set by the caller), through the services like any other writer.

    python bench/load_setup.py principals N      # prints JSON: the principals' usernames
    python bench/load_setup.py small-imports FILE SECONDS   # prints JSON: each import's seconds

`principals`: the autosave needs a principal whose school's self-assessment is open for edits.
The demo's one principal may have submitted already (the city demo's did), and twenty users
saving one form would only measure version conflicts. So the bench gives each principal user
a school of their own: an open campaign is created (with its assessments) when there is none,
and N principals `bench_ht_1..N` are granted the school-admin role on schools whose
self-assessment they may still edit (idempotent: a second run finds them).

`small-imports`: a school's small file (FILE, a students file) committed again and again in
partial mode, each time with every address changed (so every row is written), until SECONDS
have passed — the small imports of issue #21 item 4, timed while a big import commits.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EDITABLE = ("not_started", "draft", "returned")


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _open_campaign(actor):
    from edudx.monitoring.models import Assessment, Campaign
    from edudx.monitoring.services import campaigns

    found = Campaign.objects.filter(state=Campaign.State.OPEN, assessments__status__in=EDITABLE).first()
    if found is not None:
        return found
    from django.utils import timezone

    from edudx.monitoring.demo import framework_for
    from edudx.orgs import selectors as org_selectors

    today = timezone.localdate()
    end = today.year if today.month < 9 else today.year + 1
    dept = org_selectors.unit_list(scope=actor.scope, kind="department").first()
    campaign = campaigns.campaign_create(
        actor=actor,
        framework=framework_for(actor, end),
        owner=dept,
        name=f"Đánh giá chuyển đổi số (bench tải) {end - 1}-{end}",
        school_year=f"{end - 1}-{end}",
        self_deadline=today + dt.timedelta(weeks=3),
        review_deadline=today + dt.timedelta(weeks=6),
    )
    campaigns.campaign_transition(actor=actor, campaign=campaign, to=Campaign.State.OPEN)
    assert Assessment.objects.filter(campaign=campaign).exists(), "the campaign covers no school"
    return campaign


def principals(n: int) -> list[str]:
    _django()
    from edudx.accounts import services as accounts
    from edudx.accounts.models import User
    from edudx.core.actor import Actor
    from edudx.core.roles import Role
    from edudx.monitoring.models import Assessment
    from edudx.monitoring.services.assessments import edit_refusal
    from edudx.registry.demo.logins import DEMO_PASSWORD

    actor = Actor.system(source="bench:load")
    names = [f"bench_ht_{i + 1}" for i in range(n)]
    if User.objects.filter(username__in=names).count() == n:
        return names
    campaign = _open_campaign(actor)
    # Schools with devices (the principal also reports a device's condition), editable now.
    candidates = (
        Assessment.objects.filter(campaign=campaign, status__in=EDITABLE, school__isnull=False)
        .select_related("campaign", "school__unit", "supervisor")
        .order_by("school_id")
    )
    taken = 0
    for a in candidates.iterator(chunk_size=200):
        if taken == n:
            break
        if edit_refusal(a) is not None:
            continue
        name = names[taken]
        user = User.objects.filter(username=name).first() or accounts.user_create(
            actor=actor, username=name, full_name=f"Hiệu trưởng (bench) {taken + 1}", password=DEMO_PASSWORD
        )
        accounts.membership_grant(actor=actor, user=user, role=Role.SCHOOL_ADMIN, unit=a.school.unit)
        taken += 1
    if taken < n:
        raise SystemExit(f"only {taken} schools have a self-assessment open for edits")
    return names


def small_imports(path: Path, seconds: float) -> list[dict]:
    _django()
    import polars as pl

    from edudx.core.actor import Actor, Via
    from edudx.ingest.engine import pipeline
    from edudx.ingest.kinds import get

    actor = Actor.system(via=Via.IMPORT, source="import:bench-small")
    base = pl.read_csv(path, infer_schema=False)
    address = next(c for c in base.columns if c.strip("\ufeff") == "Địa chỉ")
    out: list[dict] = []
    stop = time.monotonic() + seconds
    work = path.with_name(f"small-{os.getpid()}.csv")
    i = 0
    while time.monotonic() < stop:
        i += 1
        base.with_columns(pl.col(address) + f", tổ {i}").write_csv(work)
        t = time.perf_counter()
        try:
            res = pipeline.process(kind=get("students"), path=work, actor=actor, write=True, mode="partial")
            ok, written = True, res.counts.get("changed", 0) + res.counts.get("new", 0)
        except Exception as exc:  # reported, not raised: the bench counts it as an error
            ok, written = False, repr(exc)[:200]
        out.append({"seconds": time.perf_counter() - t, "ok": ok, "written": written, "at": time.time()})
        time.sleep(1.0)
    work.unlink(missing_ok=True)
    return out


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "principals":
        print(json.dumps(principals(int(sys.argv[2]))))
    elif what == "small-imports":
        print(json.dumps(small_imports(Path(sys.argv[2]), float(sys.argv[3]))))
    else:
        raise SystemExit(__doc__)
