"""`edudx registry_simulator --background / --stop` runs the simulator in its own process."""

from __future__ import annotations

import socket
import time

import httpx
from django.core.management import call_command

from edudx.identity import connectors


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_health(url: str) -> dict:
    for _ in range(200):
        try:
            return httpx.get(url + "/v1/health", timeout=1).json()
        except httpx.HTTPError:
            time.sleep(0.05)
    raise AssertionError("simulator did not come up")


def test_background_start_builds_missing_data_and_stop_ends_it(city, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.EDUDX_CITIZEN_REGISTRY_KEY = ""
    port = free_port()
    # No --port: the simulator listens where EDUDX_CITIZEN_REGISTRY_URL points.
    settings.EDUDX_CITIZEN_REGISTRY_URL = f"http://127.0.0.1:{port}"
    call_command("registry_simulator", "--background")
    pid_file = tmp_path / "identity" / "simulator.pid"
    try:
        assert connectors.simulator_data_path().exists()
        health = wait_health(f"http://127.0.0.1:{port}")
        assert 0 < health["citizens"] <= len(city.students)
        r = httpx.post(
            f"http://127.0.0.1:{port}/v1/citizens:verify",
            json={"items": []},
            headers={"X-Api-Key": connectors.local_simulator_key()},
            timeout=5,
        )
        assert r.status_code == 200
    finally:
        call_command("registry_simulator", "--stop")
    assert not pid_file.exists()
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=0.5)
        except httpx.HTTPError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("simulator still answering after --stop")
