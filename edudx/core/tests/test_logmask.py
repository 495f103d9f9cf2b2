"""Personal IDs and phone numbers never reach a log line: Django's logging and gunicorn's
access log (a real gunicorn, started as `./run` starts it) mask every run of 9+ digits."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from edudx.core.logmask import MaskPersonalIds, mask_digits

ROOT = Path(__file__).resolve().parents[3]
PID = "079214000123"
OLD_ID = "025123456"
PHONE = "0901234567"


def test_runs_of_nine_or_more_digits_are_masked_and_nothing_else():
    line = f"GET /registry/students/?q={PID}&school=12&p={PHONE}&old={OLD_ID}&year=2025 HTTP/1.1"
    masked = mask_digits(line)
    for secret in (PID, OLD_ID, PHONE):
        assert secret not in masked
    assert "?q=************&school=12" in masked and "year=2025" in masked


def test_django_logging_masks_through_the_console_handler():
    console = [
        h for h in logging.getLogger().handlers if any(isinstance(f, MaskPersonalIds) for f in h.filters)
    ]
    assert console, "the console handler has no masking filter"
    server = logging.getLogger("django.server")
    assert console[0] in server.handlers  # runserver's request lines go through it too
    for name, msg, args in (
        ("django.request", "Not Found: %s", (f"/registry/students/?q={PID}",)),
        ("django.server", '"GET /api/v1/registry/students?q=%s HTTP/1.1" 200 12', (PID,)),
    ):
        record = logging.getLogger(name).makeRecord(name, logging.WARNING, __file__, 1, msg, args, None)
        assert console[0].filter(record)
        line = console[0].format(record)
        assert PID not in line and "?q=************" in line


def _free_port() -> int:
    for port in range(18250, 18300):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18250-18299")


def test_the_gunicorn_access_log_masks_the_request_line_and_referrer(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "EDUDX_VAR_DIR": str(tmp_path / "var"),
        "EDUDX_SHARED_CACHE_DIR": str(tmp_path / "cache"),
    }
    env.pop("DATABASE_URL", None)
    log = tmp_path / "access.log"
    # The command line of ./run, from the repository root where gunicorn.conf.py lies.
    cmd = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
           "--workers", "1", "--threads", "2", "--timeout", "60", "--access-logfile", str(log),
           "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    try:
        url = f"http://127.0.0.1:{port}/accounts/login/?q={PID}&next=/registry/students/%3Fq%3D{PHONE}"
        deadline = time.monotonic() + 60
        while True:
            try:
                request = urllib.request.Request(
                    url, headers={"Referer": f"http://x/registry/staff/?q={OLD_ID}"}
                )
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
                    assert response.status == 200
                break
            except urllib.error.HTTPError as exc:  # served, but not the page: fail now, not in a minute
                server.kill()
                pytest.fail(
                    f"gunicorn answered {exc.code}: "
                    + server.communicate()[1].decode(errors="replace")[-2000:]
                )
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()  # read its stderr only once it has ended, or the read never returns
                    pytest.fail(
                        "gunicorn did not serve: " + server.communicate()[1].decode(errors="replace")[-2000:]
                    )
                time.sleep(0.3)
        deadline = time.monotonic() + 10
        while "/accounts/login/" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline, "no access-log line"
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text()
    assert "GET /accounts/login/?q=************" in text
    for secret in (PID, PHONE, OLD_ID):
        assert secret not in text
