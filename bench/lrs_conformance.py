"""The ADL LRS conformance suite (adlnet/lrs-conformance-test-suite) against our xAPI, for
xAPI 1.0.3 and 2.0.0, each on a fresh SQLite store behind gunicorn on 127.0.0.1.

    .venv/bin/python bench/lrs_conformance.py --suite /path/to/lrs-conformance-test-suite --port 18400

The suite is not part of this repository: pass the path of a checkout of it (or set
ADL_SUITE) whose dependencies are installed (`npm install` there). For each version this
script migrates a new database in its own directory, creates a unit and an LRS key, serves
it, runs `node bin/console_runner.js -e http://127.0.0.1:PORT/lrs/xapi -a -u KEY -p SECRET
-x VERSION -z` and prints the passed/failed counts and the title (and error) of every failing
test. The exit status is the number of failures over both versions (0 = conformant).

Loopback only; bounded by --timeout seconds per version.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ("1.0.3", "2.0.0")


def prepare_store(db_dir: Path) -> tuple[str, str]:
    """Migrate a new SQLite database under `db_dir` and issue an LRS key for a department
    unit (in a child process, so each version's store starts from nothing)."""
    code = (
        "import django, sys; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from edudx.core.actor import Actor\n"
        "from edudx.lrs import services\n"
        "from edudx.orgs import services as orgs\n"
        "actor = Actor.system(source='bench')\n"
        "unit = orgs.unit_create(actor=actor, code='ADL', name='Sở GD-ĐT (ADL suite)',"
        " kind='department', parent=None)\n"
        "cred, secret = services.credential_issue(actor=actor, unit=unit, name='adl-suite')\n"
        "print(cred.key, secret)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=server_env(db_dir),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if out.returncode:
        raise SystemExit(f"preparing the store in {db_dir} failed:\n{out.stderr[-3000:]}")
    key, secret = out.stdout.split()[-2:]
    return key, secret


def server_env(db_dir: Path, served: str = "") -> dict[str, str]:
    env = dict(
        os.environ,
        EDUDX_VAR_DIR=str(db_dir),
        DJANGO_SETTINGS_MODULE="config.settings.base",
        EDUDX_LOG_LEVEL="WARNING",
    )
    env.pop("DATABASE_URL", None)  # always a fresh SQLite file, never a shared database
    env.pop("LRS_XAPI_VERSIONS", None)
    if served:
        env["LRS_XAPI_VERSIONS"] = served
    return env


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        # As gunicorn binds: a port left in TIME_WAIT by the previous run is free, one that
        # another server listens on is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def serve(db_dir: Path, port: int, served: str) -> subprocess.Popen:
    if not port_free(port):
        raise SystemExit(f"port {port} is in use (another run?); choose one with --port")
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--threads",
            "4",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_env(db_dir, served),
        stdout=open(db_dir / "server.log", "w"),  # noqa: SIM115 (lives as long as the server)
        stderr=subprocess.STDOUT,
    )
    for _ in range(150):
        if proc.poll() is not None:
            raise SystemExit(f"the server exited while starting; see {db_dir / 'server.log'}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/lrs/xapi/about", timeout=1)  # noqa: S310
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the server did not start")


def failing_tests(node: dict, path: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(suite path › test title, error) of every failed leaf test in the runner's log tree."""
    out = []
    title = node.get("title") or ""
    tests = node.get("tests") or []
    if not tests:
        if node.get("status") == "failed":
            out.append((" › ".join([*path, title]), node.get("error") or ""))
        return out
    for child in tests:
        out += failing_tests(child, (*path, title) if title else path)
    return out


def run_suite(suite: Path, port: int, key: str, secret: str, version: str, timeout: float) -> dict:
    cmd = [
        "node",
        "bin/console_runner.js",
        "-e",
        f"http://127.0.0.1:{port}/lrs/xapi",
        "-a",
        "-u",
        key,
        "-p",
        secret,
        "-x",
        version,
        "-z",  # the log keeps failing tests only
    ]
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=suite, capture_output=True, text=True, timeout=timeout, check=False)
    seconds = time.monotonic() - started
    summary = None
    for line in proc.stdout.splitlines():
        if line.startswith("{") and '"passed"' in line:
            try:
                summary = json.loads(line)
            except ValueError:
                continue
    m = re.search(r"Full run log written to (\S+)", proc.stdout)
    failures: list[tuple[str, str]] = []
    if m:
        log = json.loads(Path(m.group(1)).read_text())
        if log.get("log"):
            failures = failing_tests(log["log"])
    if summary is None:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-30:])
        raise SystemExit(f"the suite printed no summary for {version}:\n{tail}")
    return {"summary": summary, "failures": failures, "seconds": seconds, "log": m.group(1) if m else None}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--suite", default=os.environ.get("ADL_SUITE"), help="checkout of the ADL suite")
    parser.add_argument("--port", type=int, default=18400)
    parser.add_argument("--versions", default=",".join(VERSIONS))
    parser.add_argument("--timeout", type=float, default=1200, help="seconds per version")
    parser.add_argument("--keep", action="store_true", help="keep the stores (their paths are printed)")
    parser.add_argument(
        "--serve",
        choices=("tested", "both"),
        default="tested",
        help="what the LRS serves for the 1.0.3 suite: 1.0.3 alone, as a 1.0.3 deployment would"
        " (LRS_XAPI_VERSIONS=1.0.3; default), or both versions (the default deployment), where the"
        " 1.0.3 suite's three checks of the label of a versionless request cannot pass: the 2.0"
        " suite sends the same requests and expects 2.0.0 (docs/lrs-conformance.md)",
    )
    args = parser.parse_args()
    if not args.suite:
        parser.error("give the suite's path with --suite or ADL_SUITE")
    suite = Path(args.suite).resolve()
    if not (suite / "bin" / "console_runner.js").exists():
        parser.error(f"{suite} is not a checkout of adlnet/lrs-conformance-test-suite")
    if not (suite / "node_modules").exists():
        parser.error(f"run `npm install` in {suite} first")
    total_failed = 0
    for version in args.versions.split(","):
        db_dir = Path(tempfile.mkdtemp(prefix=f"lrs-conformance-{version}-"))
        try:
            key, secret = prepare_store(db_dir)
            # The 2.0 suite runs against the default deployment (both versions served); the
            # 1.0.3 suite against a 1.0.3-only one unless --serve both.
            served = "1.0.3" if version == "1.0.3" and args.serve == "tested" else "1.0.3,2.0.0"
            server = serve(db_dir, args.port, served)
            try:
                result = run_suite(suite, args.port, key, secret, version, args.timeout)
            finally:
                server.terminate()
                server.wait(timeout=30)
        finally:
            if not args.keep:
                shutil.rmtree(db_dir, ignore_errors=True)
        s = result["summary"]
        total_failed += s["failed"]
        print(
            f"xAPI {version} (LRS serving {served}): {s['passed']} passed, {s['failed']} failed of {s['total']}"
            f" ({result['seconds']:.0f} s; load average {os.getloadavg()[0]:.1f})"
            + (f"; store {db_dir}" if args.keep else "")
        )
        for title, error in result["failures"]:
            print(f"  FAIL {title}\n       {error[:300]}")
    return min(total_failed, 255)


if __name__ == "__main__":
    sys.exit(main())
