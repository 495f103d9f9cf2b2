"""Monitoring bar (issue #18 item 4): ≥ 50 % of the 4725 points filled automatically, counted
per sub-item, for every demo school the framework evaluates.

    .venv/bin/python bench/monitoring_autoscore.py [--db-dir /tmp/bench-monitoring-autoscore]

Loads the demo city (`edudx demo`, ~30 schools, every module's demo data) into its own SQLite
database once, then prints, per demo school: its level, whether 4725 evaluates it (preschools
are not), the points of the framework its automatic indicators fill now (a sub-item counts when
its indicator has a figure for the school), the points those bands give, and the share of the
framework's points filled; then which sub-items are scored automatically and the open
campaign's pre-filled self-assessments. Prints figures and the load average; no assertion.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def num(d) -> str:
    """A Decimal as it reads: 105, 0.5."""
    return format(d.normalize(), "f")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db-dir", default="/tmp/bench-monitoring-autoscore")
    args = parser.parse_args()
    db_dir = Path(args.db_dir)
    db_dir.mkdir(parents=True, exist_ok=True)
    os.environ["EDUDX_VAR_DIR"] = str(db_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command

    from edudx.core.scope import Scope
    from edudx.monitoring import selectors
    from edudx.monitoring.models import Campaign, Criterion, Framework
    from edudx.registry import selectors as registry

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    schools, _order = registry.school_list(scope=Scope.system())
    if not schools.exists():
        print("loading the demo city (once) …", flush=True)
        call_command("demo", verbosity=0)
    print(f"database ready in {time.monotonic() - started:.1f} s ({db_dir})")

    campaign = Campaign.objects.filter(framework__code="4725", state=Campaign.State.OPEN).first()
    fw = campaign.framework if campaign else Framework.objects.filter(code="4725").order_by("-year").first()
    if fw is None:
        sys.exit("no 4725 framework: run the migrations")
    cov = selectors.scoring_coverage(fw)
    print(f"\nframework {fw}: levels evaluated {', '.join(fw.levels) or 'all'}")
    print(
        f"scored automatically through bands: {num(cov['points'])} of {num(cov['points_total'])} points "
        f"({cov['share']:.1f} %), {len(cov['rules'])} sub-items:"
    )
    codes = dict(Criterion.objects.filter(group__framework=fw).values_list("pk", "code"))
    for r in cov["rules"]:
        bands = " ".join(f"≥{num(lower)}→{num(pts)}" for lower, pts in r.bands)
        print(
            f"  {codes[r.criterion_id]}{r.key:<2} {num(r.max_points):>3} pts  {r.indicator_code:<42} {bands}"
        )

    rows = list(schools.order_by("unit__path").values_list("pk", "moet_code", "unit__name", "level"))
    t0 = time.monotonic()
    per = selectors.school_coverage(fw, [pk for pk, *_rest in rows])
    took = time.monotonic() - t0
    print(f"\nper demo school (indicators computed for {len(rows)} schools in {took:.2f} s):")
    print(f"  {'MOET code':<12} {'level':<9} {'4725':<6} {'filled':>7} {'given':>6} {'share':>7}  school")
    shares = []
    for pk, moet, name, level in rows:
        evaluated = not fw.levels or level in fw.levels
        p = per[pk]
        mark = "yes" if evaluated else "no"
        share = f"{p['share']:.1f} %" if evaluated else "—"
        print(
            f"  {moet or '':<12} {level:<9} {mark:<6} {num(p['filled']):>7} {num(p['points']):>6} {share:>7}  {name}"
        )
        if evaluated:
            shares.append(p["share"])
    if shares:
        print(
            f"\nschools evaluated by 4725: {len(shares)} of {len(rows)}; share of the 190 points filled "
            f"automatically: min {min(shares):.1f} %, median {statistics.median(shares):.1f} %, "
            f"max {max(shares):.1f} %; at or above 50 %: {sum(s >= 50 for s in shares)} of {len(shares)}"
        )
    if campaign is not None:
        filled = selectors.campaign_coverage(scope=Scope.system(), campaign=campaign)
        print(
            f"open campaign {campaign.name!r}: {filled['assessments']} of {filled['assessments_total']} "
            f"self-assessments pre-filled, {filled['average_share']:.1f} % of the points on average"
        )
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
