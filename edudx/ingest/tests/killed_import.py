"""Run as a separate process by test_killed.py: set up a file-based SQLite database with the
test city, then import a student file and kill this very process with SIGKILL (no cleanup, no
rollback code runs) right after the kind's writer has put the first rows in the open
transaction. With `--complete` the same import runs to the end instead.

    python -m edudx.ingest.tests.killed_import VAR_DIR ROWS [--complete | --prepare]

`--prepare` only migrates the database, builds the city and writes the file: the tests start
from a copy of that directory (a fresh migrate is the slow part of each run).
"""

from __future__ import annotations

import csv
import dataclasses
import os
import signal
import sys
from pathlib import Path

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Minh Châu", "Võ Thị Dung"]


def main() -> None:
    var, rows, complete = Path(sys.argv[1]), int(sys.argv[2]), "--complete" in sys.argv
    os.environ["EDUDX_VAR_DIR"] = str(var)
    os.environ["DATABASE_URL"] = f"sqlite:///{var / 'killed.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    import django

    django.setup()
    from django.core.management import call_command

    from edudx.core.actor import Actor, Via
    from edudx.ingest.engine import pipeline
    from edudx.ingest.kinds import get
    from edudx.registry.models import Student

    from .helpers import HEADERS, student_row

    path = var / "hoc-sinh.csv"
    if not path.exists():
        call_command("migrate", verbosity=0)
        from edudx.core.testing.city import build_city

        build_city()
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(HEADERS)
            for i in range(rows):
                w.writerow(
                    student_row(code=f"79{i + 100000:08d}", pid=f"0792149{i:05d}", name=NAMES[i % len(NAMES)])
                )
    if "--prepare" in sys.argv:  # the database and the file only: the tests copy them
        return
    if "--settle" in sys.argv:  # a later process looks at the run the killed one left
        from edudx.ingest import services
        from edudx.ingest.models import ImportRun

        run = ImportRun.objects.order_by("-id").first()
        print("state before:", run.state, flush=True)
        print("state after:", services.run_settle(run).state, flush=True)
        return
    print("students before:", Student.objects.count(), flush=True)
    kind = get("students")
    if not complete:
        inner = kind.write

        def write_then_die(**kw):
            inner(**kw)
            print("written into the open transaction; killing myself", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

        kind = dataclasses.replace(kind, write=write_then_die)
    if "--services" in sys.argv:  # through the import log, as the web, API and CLI doors do
        from edudx.ingest import services

        with path.open("rb") as fh:
            run = services.run_receive(
                actor=Actor.system(via=Via.CLI), kind="students", fileobj=fh, file_name=path.name
            )
        run = services.run_check(actor=Actor.system(via=Via.CLI), run=run)
        services.get_kind = lambda name: kind
        run = services.run_commit(actor=Actor.system(via=Via.CLI), run=run)
        print("written:", run.state == "committed", "new:", run.rows_new, flush=True)
        return
    out = pipeline.process(
        kind=kind, path=path, actor=Actor.system(via=Via.CLI), write=True, mode="strict", chunk_rows=rows // 3
    )
    print("written:", out.written, "new:", out.counts["new"], flush=True)
    for problem in out.problems.sorted()[:5]:
        print(problem.as_dict(), flush=True)


if __name__ == "__main__":
    main()
