"""Back up a SQLite platform while a writer commits into it, restore the archive into a fresh
var directory, and check the copy: prints the times, sizes, what the writer did meanwhile,
and the load average.

    .venv/bin/python bench/backup_restore.py --var-dir /tmp/demo-var --work /tmp/h7/bench

`--var-dir` is an existing platform directory (EDUDX_VAR_DIR; e.g. after `edudx migrate` and
`edudx demo --scale tiny`). The writer adds rows to a probe table `bench_backup_probe`, one
commit each, for as long as the backup runs (so the source gains that table). The restored
database must pass `PRAGMA integrity_check`, hold every table with the source's count at
snapshot time (probe rows are a gap-free prefix: 1..n), and the restored media must match.
Bounded: the writer stops when the backup ends; everything runs on this machine.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EDUDX = [sys.executable, "-m", "edudx"]


def tree_digest(root: Path) -> tuple[int, str]:
    h, n = hashlib.sha256(), 0
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
        n += 1
    return n, h.hexdigest()[:16]


def counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--var-dir", type=Path, required=True)
    ap.add_argument("--work", type=Path, default=Path("/tmp/edudx-bench-backup"))
    ap.add_argument("--gzip", action="store_true", help="write .tar.gz")
    args = ap.parse_args()
    source_db = args.var_dir / "edudx.sqlite3"
    if not source_db.exists():
        sys.exit(f"{source_db} does not exist")
    if args.work.exists():
        shutil.rmtree(args.work)
    args.work.mkdir(parents=True)
    archive = args.work / ("backup.tar.gz" if args.gzip else "backup.tar")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "EDUDX_SECRET_KEY")}

    con = sqlite3.connect(source_db, timeout=30)
    con.execute("CREATE TABLE IF NOT EXISTS bench_backup_probe (id INTEGER PRIMARY KEY, at REAL)")
    con.execute("DELETE FROM bench_backup_probe")
    con.commit()
    stop, written = threading.Event(), [0]

    def writer() -> None:
        w = sqlite3.connect(source_db, timeout=30)
        while not stop.is_set():
            w.execute("INSERT INTO bench_backup_probe (at) VALUES (?)", (time.time(),))
            w.commit()
            written[0] += 1
        w.close()

    t = threading.Thread(target=writer)
    t.start()
    started = time.monotonic()
    done = subprocess.run(
        [*EDUDX, "backup", "-o", str(archive)], cwd=ROOT, env={**env, "EDUDX_VAR_DIR": str(args.var_dir)},
        capture_output=True, text=True, check=False, timeout=3600,
    )  # fmt: skip
    backup_s = time.monotonic() - started
    stop.set()
    t.join()
    if done.returncode:
        sys.exit(done.stderr)

    fresh = args.work / "var"
    started = time.monotonic()
    done = subprocess.run(
        [*EDUDX, "restore", str(archive)], cwd=ROOT, env={**env, "EDUDX_VAR_DIR": str(fresh)},
        capture_output=True, text=True, check=False, timeout=3600,
    )  # fmt: skip
    restore_s = time.monotonic() - started
    if done.returncode:
        sys.exit(done.stderr)

    restored = fresh / "edudx.sqlite3"
    rc = sqlite3.connect(restored)
    integrity = rc.execute("PRAGMA integrity_check").fetchone()[0]
    n, top = rc.execute("SELECT count(*), coalesce(max(id), 0) FROM bench_backup_probe").fetchone()
    rc.close()
    src, dst = counts(source_db), counts(restored)
    differ = sorted(t for t in src if t != "bench_backup_probe" and src[t] != dst.get(t))
    con.execute("DROP TABLE bench_backup_probe")
    con.commit()
    con.close()
    media_src, media_dst = tree_digest(args.var_dir / "media"), tree_digest(fresh / "media")
    rows = sum(v for t, v in src.items() if t != "bench_backup_probe")
    print(
        f"database {source_db.stat().st_size / 1e6:,.1f} MB, {rows:,} rows in {len(src) - 1} tables (probe aside)"
    )
    print(f"archive {archive.stat().st_size / 1e6:,.1f} MB ({archive.name})")
    print(
        f"backup  {backup_s:6.1f} s wall while a writer committed {written[0]:,} rows ({written[0] / backup_s:,.0f}/s)"
    )
    print(f"restore {restore_s:6.1f} s wall into an empty var directory")
    print(
        f"restored: integrity {integrity}; probe rows 1..{top} gap-free: {n == top}; tables differing: {differ or 'none'}"
    )
    print(f"media: {media_src[0]} files {media_src[1]} → {media_dst[0]} files {media_dst[1]}")
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
