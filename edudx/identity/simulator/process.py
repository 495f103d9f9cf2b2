"""Start and stop the citizen-registry simulator as a separate process (tests, demo, CLI).

    with SimulatorProcess(data=path, key=key) as sim:
        sim.url  # http://127.0.0.1:<free port>

The child binds port 0 and reports the port it got, so parallel test workers never collide.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

import httpx

from .server import CONTROL_PATH, HEALTH_PATH


class SimulatorError(RuntimeError):
    pass


class SimulatorProcess:
    def __init__(
        self,
        *,
        data: str | os.PathLike[str],
        key: str,
        port: int = 0,
        host: str = "127.0.0.1",
        control: bool = False,
        log: IO[Any] | int | None = subprocess.DEVNULL,
        extra: list[str] | None = None,
    ):
        self.data, self.key, self.port, self.host = str(data), key, port, host
        self.control, self.log, self.extra = control, log, list(extra or [])
        self.proc: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "edudx.identity.simulator.server", "--host", self.host,
               "--port", str(self.port), "--data", self.data, f"--key={self.key}", *self.extra]  # fmt: skip
        return [*cmd, "--control"] if self.control else cmd

    def start(self, *, timeout: float = 15.0) -> SimulatorProcess:
        if not Path(self.data).exists():
            raise SimulatorError(f"simulator data file not found: {self.data}")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        src = str(Path(__file__).resolve().parents[3])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
        self.proc = subprocess.Popen(
            self.command(), stdout=subprocess.PIPE, stderr=self.log, text=True, env=env
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()  # blocks until the child is listening or dies
        if not line.startswith("LISTENING "):
            self.stop()
            raise SimulatorError(f"simulator did not start: {line.strip()!r}")
        self.port = int(line.split()[1])
        self._wait_healthy(timeout)
        return self

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(self.url + HEALTH_PATH, timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise SimulatorError("simulator did not answer its health check")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None

    # ----- test controls (only when started with control=True)
    def reset(self, *, latency: float = 0.0) -> None:
        httpx.post(
            self.url + CONTROL_PATH + "/reset", json={"latency": latency}, timeout=5
        ).raise_for_status()

    def script(self, *faults: dict[str, Any], latency: float | None = None) -> None:
        body: dict[str, Any] = {"faults": list(faults)}
        if latency is not None:
            body["latency"] = latency
        httpx.post(self.url + CONTROL_PATH + "/script", json=body, timeout=5).raise_for_status()

    def stats(self) -> dict[str, int]:
        return httpx.get(self.url + CONTROL_PATH + "/stats", timeout=5).json()

    def __enter__(self) -> SimulatorProcess:
        return self.start() if self.proc is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()
