"""The citizen-registry simulator: a small HTTP/JSON service standing in for the national
population registry (Cơ sở dữ liệu quốc gia về dân cư). Standard library only and no Django,
so it runs in its own process exactly like a remote service would; the edudx adapter talks to
it over the same protocol it would use against the real thing (see ../README.md).

    python -m edudx.identity.simulator.server --port 8765 --data citizens.sqlite3 --key KEY

With `--port 0` it binds a free port; the first line it prints is `LISTENING <port>`.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import threading
import time
import unicodedata
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_KEY_HEADER = "X-Api-Key"
VERIFY_PATH = "/v1/citizens:verify"
HEALTH_PATH = "/v1/health"
CONTROL_PATH = "/_control"
FIELDS = ("full_name", "date_of_birth", "gender")
MAX_BODY = 1024 * 1024


def _norm_name(text: str) -> str:
    """Registry names compare exactly up to Unicode form, case and spacing: diacritics count."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


class Citizens:
    """Read-only citizen lookups from the SQLite data file; one connection per thread."""

    def __init__(self, path: str):
        self.path = path
        self._local = threading.local()
        self.count = self._conn().execute("SELECT count(*) FROM citizen").fetchone()[0]

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.conn = conn
        return conn

    def lookup(self, pids: list[str]) -> dict[str, dict[str, str]]:
        if not pids:
            return {}
        marks = ",".join("?" * len(pids))
        rows = self._conn().execute(
            f"SELECT personal_id, full_name, date_of_birth, gender FROM citizen WHERE personal_id IN ({marks})",  # noqa: S608 - placeholders only
            pids,
        )
        return {r[0]: {"full_name": r[1], "date_of_birth": r[2], "gender": r[3]} for r in rows}


def compare(item: dict[str, Any], citizen: dict[str, str] | None) -> dict[str, Any]:
    if citizen is None:
        return {"status": "not_found", "differing_fields": []}
    differing = []
    if _norm_name(str(item.get("full_name") or "")) != _norm_name(citizen["full_name"]):
        differing.append("full_name")
    if str(item.get("date_of_birth") or "") != citizen["date_of_birth"]:
        differing.append("date_of_birth")
    if str(item.get("gender") or "") != citizen["gender"]:
        differing.append("gender")
    return {"status": "mismatch" if differing else "match", "differing_fields": differing}


class RateLimiter:
    """Server side token bucket per API key: `rate` requests a second, bursts of `burst`."""

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst = rate, burst
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when allowed, else the seconds until a token is available."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._state.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._state[key] = (tokens - 1, now)
                return 0.0
            self._state[key] = (tokens, now)
            return (1 - tokens) / self.rate


class Simulator:
    """Configuration, counters and fault injection shared by the handler threads."""

    def __init__(self, *, citizens: Citizens, key: str, max_batch: int, rate: float, burst: int,
                 latency: float, error_rate: float, control: bool, seed: int = 0):  # fmt: skip
        self.citizens = citizens
        self.key = key
        self.max_batch = max_batch
        self.limiter = RateLimiter(rate, burst)
        self.latency = latency
        self.error_rate = error_rate
        self.control = control
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.stats = {"requests": 0, "verify_requests": 0, "items": 0, "rejected": 0}
            # Scripted faults for tests: each entry answers one verify request.
            self.script: list[dict[str, Any]] = []

    def next_fault(self) -> dict[str, Any] | None:
        with self.lock:
            if self.script:
                return self.script.pop(0)
            if self.error_rate and self.rng.random() < self.error_rate:
                return {"status": 503}
        return None


class Handler(BaseHTTPRequestHandler):
    server_version = "CitizenRegistrySimulator/1"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without TCP_NODELAY the second waits for
    # the client's delayed ACK (~40 ms a request).
    disable_nagle_algorithm = True
    sim: Simulator  # set on the subclass built by make_server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        # Request lines only (paths carry no personal data); bodies are never logged.
        sys.stderr.write("simulator: " + (format % args) + "\n")

    # ----- plumbing
    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, {"error": {"code": code, "message": message}}, headers)

    def _read_json(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_BODY:
            raise ValueError("body missing or too large")
        return json.loads(self.rfile.read(length))

    # ----- routes
    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        with self.sim.lock:
            self.sim.stats["requests"] += 1
        if self.path == HEALTH_PATH:
            return self._send(200, {"status": "ok", "citizens": self.sim.citizens.count,
                                    "max_batch": self.sim.max_batch})  # fmt: skip
        if self.path == CONTROL_PATH + "/stats" and self.sim.control:
            with self.sim.lock:
                return self._send(200, dict(self.sim.stats))
        return self._error(404, "not_found", "No such endpoint.")

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        with self.sim.lock:
            self.sim.stats["requests"] += 1
        if self.path == VERIFY_PATH:
            return self._verify()
        if self.path.startswith(CONTROL_PATH) and self.sim.control:
            return self._control()
        # Drain the body so the connection stays usable.
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        return self._error(404, "not_found", "No such endpoint.")

    def _control(self) -> None:
        try:
            body = self._read_json() if int(self.headers.get("Content-Length") or 0) else {}
        except ValueError:
            return self._error(400, "bad_request", "Body must be JSON.")
        if self.path == CONTROL_PATH + "/reset":
            self.sim.reset()
            self.sim.latency = float(body.get("latency", 0))
            return self._send(200, {"ok": True})
        if self.path == CONTROL_PATH + "/script":
            with self.sim.lock:
                self.sim.script.extend(body.get("faults", []))
            if "latency" in body:
                self.sim.latency = float(body["latency"])
            return self._send(200, {"ok": True})
        return self._error(404, "not_found", "No such endpoint.")

    def _verify(self) -> None:
        sim = self.sim
        try:
            body = self._read_json()
        except ValueError:
            return self._error(400, "bad_request", "Body must be a JSON object.")
        key = self.headers.get(API_KEY_HEADER, "")
        if not sim.key or key != sim.key:
            return self._error(401, "unauthorised", "Missing or wrong API key.")
        wait = sim.limiter.take(key)
        if wait > 0:
            with sim.lock:
                sim.stats["rejected"] += 1
            retry = max(1, int(wait + 0.999))
            return self._error(429, "rate_limited", "Too many requests.", {"Retry-After": str(retry)})
        with sim.lock:
            sim.stats["verify_requests"] += 1
        fault = sim.next_fault()
        delay = float(fault.get("latency", sim.latency)) if fault else sim.latency
        if delay:
            time.sleep(delay)
        if fault and fault.get("status"):
            status = int(fault["status"])
            headers = {"Retry-After": str(fault["retry_after"])} if "retry_after" in fault else None
            return self._error(status, "injected", HTTPStatus(status).phrase, headers)
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            return self._error(400, "bad_request", "`items` must be a list of objects.")
        if len(items) > sim.max_batch:
            return self._error(413, "batch_too_large", f"At most {sim.max_batch} items per request.")
        with sim.lock:
            sim.stats["items"] += len(items)
        found = sim.citizens.lookup([str(i.get("personal_id") or "") for i in items])
        results = []
        for item in items:
            result = compare(item, found.get(str(item.get("personal_id") or "")))
            results.append({"ref": item.get("ref"), **result})
        return self._send(200, {"results": results})


def make_server(host: str, port: int, sim: Simulator) -> ThreadingHTTPServer:
    handler = type("BoundHandler", (Handler,), {"sim": sim})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Citizen-registry simulator")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    p.add_argument("--data", required=True, help="SQLite file written by simulator.data.write")
    p.add_argument("--key", required=True, help="the API key clients must send")
    p.add_argument("--max-batch", type=int, default=100)
    p.add_argument("--rate", type=float, default=50.0, help="requests per second per key (0: unlimited)")
    p.add_argument("--burst", type=int, default=20)
    p.add_argument("--latency", type=float, default=0.0, help="seconds added to every verify request")
    p.add_argument("--error-rate", type=float, default=0.0, help="share of verify requests answered 503")
    p.add_argument("--control", action="store_true", help="enable /_control endpoints (tests only)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    sim = Simulator(
        citizens=Citizens(args.data), key=args.key, max_batch=args.max_batch, rate=args.rate,
        burst=args.burst, latency=args.latency, error_rate=args.error_rate, control=args.control,
        seed=args.seed,
    )  # fmt: skip
    server = make_server(args.host, args.port, sim)
    print(f"LISTENING {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
