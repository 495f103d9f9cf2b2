"""Read + normalise + validate the student kind from CSV, one core. Bar: ≥ 100,000 rows/s.

Runs the engine's stages without the database: references (schools, classes) and the
existing-record lookup are the commit benchmark's business (bench/ingest_city.py).
usage: .venv/bin/python bench/ingest_read.py [ROWS]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("POLARS_MAX_THREADS", "1")  # one core, as the bar says
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import django  # noqa: E402
import polars as pl  # noqa: E402

django.setup()

from ingest_data import school_codes, write_students  # noqa: E402

from edudx.core.actor import Actor  # noqa: E402
from edudx.ingest.engine import validate as V  # noqa: E402
from edudx.ingest.engine.headers import map_headers  # noqa: E402
from edudx.ingest.engine.normalise import Normaliser  # noqa: E402
from edudx.ingest.engine.pipeline import validate_chunk  # noqa: E402
from edudx.ingest.engine.problems import Problems  # noqa: E402
from edudx.ingest.engine.read import read  # noqa: E402
from edudx.ingest.engine.receive import receive  # noqa: E402
from edudx.ingest.kinds import Context, get, person_rules  # noqa: E402
from edudx.registry.imports.common import _name_key  # noqa: E402
from edudx.registry.pupil_key import pupil_key  # noqa: E402


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    kind = get("students")
    with tempfile.TemporaryDirectory() as d:
        path = write_students(Path(d) / "students.csv", rows, schools=school_codes(3500))
        size = path.stat().st_size
        t0 = time.perf_counter()
        c0 = time.process_time()
        table = read(receive(path))
        hmap = map_headers(kind, table.headers)
        problems = Problems()
        ctx = Context(actor=Actor.system(), kind=kind)
        normaliser, dups = Normaliser(), V.Duplicates()
        # the kind's own row rules (person rules, name key); age vs grade needs the class → DB
        kind_no_db = kind.__class__(
            **{
                **kind.__dict__,
                "resolve": None,
                "rules": (person_rules, _name_key, pupil_key),
                "locate": lambda f, c: pl.Series([None] * f.height, dtype=pl.String),
            }
        )
        n = 0
        for raw in table.chunks:
            frame = validate_chunk(kind_no_db, raw, hmap, problems, normaliser, dups, ctx)
            n += frame.height
        elapsed = time.perf_counter() - t0
        cpu = time.process_time() - c0
    print(f"rows: {n:,}  file: {size / 1e6:.1f} MB  time: {elapsed:.2f} s")
    print(f"read+normalise+validate: {n / elapsed:,.0f} rows/s (bar: 100,000 rows/s on one core)")
    print(
        f"CPU time: {cpu:.2f} s → {n / cpu:,.0f} rows per CPU-second; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"problems: {problems.errors} errors, {problems.warnings} warnings")


if __name__ == "__main__":
    main()
