"""The exam bench over real HTTP (bench/learning_exam.py --server): the project's gunicorn
(gunicorn.conf.py, the same middleware, sessions and CSRF as a pupil's browser meets) serving
the bench's SQLite copy on a loopback port, and a lean client — asyncio, HTTP/1.1 keep-alive,
every request prebuilt as bytes before the clock starts — so that the two cores spend their
time in the server. Both sides' CPU is measured (the client's own process time; the server's
from /proc: the gunicorn master and its workers), so the figure printed is the server's CPU
per durable submission, and the client's share is printed beside it.

Only loopback; every phase is bounded by the caller's deadline."""

from __future__ import annotations

import asyncio
import os
import secrets
import string
import subprocess
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF_ALPHABET = string.ascii_letters + string.digits


def start_server(db_dir: Path, port: int, workers: int, threads: int, log: Path) -> subprocess.Popen[bytes]:
    """gunicorn as `./run` starts it, on the bench's database; returns once it answers."""
    env = {
        **os.environ,
        "EDUDX_VAR_DIR": str(db_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "EDUDX_WEB_WORKERS": str(workers),
        "EDUDX_WEB_THREADS": str(threads),
        "EDUDX_WEB_LOG_LEVEL": "warning",
    }
    out = log.open("ab")
    proc = subprocess.Popen(  # noqa: S603 (our own server, fixed arguments)
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=out,
    )
    end = time.time() + 120
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({proc.returncode}); see {log}")
        if len(children(proc.pid)) >= workers and _answers(port):
            return proc
        time.sleep(0.5)
    proc.terminate()
    raise RuntimeError(f"gunicorn did not answer in 120 s; see {log}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _answers(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return s.recv(12).startswith(b"HTTP/1.1")
    except OSError:
        return False


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its live children (the gunicorn workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in (pid, *children(pid)):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime (fields 14, 15)
    return total


def request(port: int, attempt_id: int, session_key: str, form: dict[str, str]) -> bytes:
    """The pupil's submit as their browser sends it: the form urlencoded with its CSRF token,
    the session and CSRF cookies."""
    token = "".join(secrets.choice(CSRF_ALPHABET) for _ in range(32))
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **form}).encode()
    head = (
        f"POST /learning/me/attempts/{attempt_id}/ HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Cookie: edudx_session={session_key}; edudx_csrf={token}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _one_connection(port: int, todo: Iterator[bytes], deadline: float, seen: Counter[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for req in todo:
            if time.time() > deadline:
                return
            writer.write(req)
            status = int((await reader.readline()).split(b" ", 2)[1])
            length, close = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            if length:
                await reader.readexactly(length)
            seen[status] += 1
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


def run(port: int, requests: list[bytes], connections: int, deadline: float) -> Counter[int]:
    """Send the requests over `connections` keep-alive connections, each waiting for its answer
    before the next (a pupil's browser submits once); returns the count per status."""
    seen: Counter[int] = Counter()
    todo = iter(requests)

    async def main() -> None:
        await asyncio.gather(*(_one_connection(port, todo, deadline, seen) for _ in range(connections)))

    asyncio.run(main())
    return seen
