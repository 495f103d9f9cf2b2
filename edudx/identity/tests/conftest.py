"""Fixtures for identity tests: a real simulator process on a free port of 127.0.0.1."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches

from edudx.identity.simulator import data as simdata
from edudx.identity.simulator.process import SimulatorProcess

KEY = "test-key"


@pytest.fixture(autouse=True)
def _clear_cache():
    caches["default"].clear()
    yield
    caches["default"].clear()


def citizen(pid: str, name: str, dob: dt.date, gender: str) -> simdata.Citizen:
    return simdata.Citizen(pid, name, dob.isoformat(), gender, pid[:3])


def start_simulator(path, citizens, **kwargs) -> SimulatorProcess:
    simdata.write(path, citizens)
    return SimulatorProcess(data=path, key=KEY, control=True, extra=["--rate", "0"], **kwargs).start()


@pytest.fixture
def city_registry(city, tmp_path, settings):
    """A simulator whose citizens are the mini city's people, except: student 1's name is
    spelled differently, student 2's date of birth differs, student 3 is not registered."""
    rows = []
    for i, s in enumerate(city.students):
        name, dob = s.full_name, s.date_of_birth
        if i == 1:
            name = name.replace("Bình", "Binh")
        if i == 2:
            dob = dob + dt.timedelta(days=1)
        if i == 3:
            continue
        rows.append(citizen(s.personal_id, name, dob, s.gender))
    sim = start_simulator(tmp_path / "citizens.sqlite3", rows)
    settings.EDUDX_CITIZEN_REGISTRY_URL = sim.url
    settings.EDUDX_CITIZEN_REGISTRY_KEY = KEY
    settings.EDUDX_CITIZEN_REGISTRY_RETRIES = 1
    settings.EDUDX_CITIZEN_REGISTRY_TIMEOUT = 5.0
    settings.EDUDX_CITIZEN_REGISTRY_RATE = 1000.0
    yield sim
    sim.stop()
