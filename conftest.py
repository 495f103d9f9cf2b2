"""Shared pytest fixtures: the miniature city, per-role clients, and Chromium for
Playwright (Debian's /usr/bin/chromium; Playwright's own browser download is never used)."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright's sync API

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, SQLite-only tests are deselected (not skipped: nothing is counted)."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    keep = [i for i in items if i.get_closest_marker("sqlite_only") is None]
    dropped = [i for i in items if i.get_closest_marker("sqlite_only") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("EDUDX_CHROMIUM", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def _own_warehouse(settings, tmp_path_factory):
    """Each test gets its own analytics warehouse directory: the Parquet snapshots follow the
    test's database, which is rolled back after it (and xdist workers must not share them)."""
    settings.WAREHOUSE_DIR = tmp_path_factory.mktemp("warehouse")


@pytest.fixture(autouse=True)
def _own_ingest_work_dir(settings, tmp_path_factory):
    """Import runs keep flag files (progress, cancel, the liveness lock) named by run id; each
    test's database numbers its runs from 1, so each test gets its own work directory."""
    settings.INGEST_WORK_DIR = tmp_path_factory.mktemp("ingest-work")


@pytest.fixture
def city(db):
    from edudx.core.testing.city import build_city

    return build_city()


@pytest.fixture
def client_for(city, client):
    """client_for(role) -> a Django test client logged in as the city's user for that role."""
    from django.test import Client

    def make(role: str) -> Client:
        c = Client()
        c.force_login(city.users[role])
        return c

    return make
