"""Registry connectors. `get_connector()` builds the configured one from settings."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings

from .base import ERROR, MATCH, MISMATCH, NOT_FOUND, Connector, PersonQuery, VerifyResult

__all__ = [
    "ERROR", "MATCH", "MISMATCH", "NOT_FOUND", "Connector", "PersonQuery", "VerifyResult",
    "get_connector", "local_simulator_key", "simulator_data_path",
]  # fmt: skip


def simulator_dir() -> Path:
    path = Path(settings.VAR_DIR) / "identity"
    path.mkdir(parents=True, exist_ok=True)
    return path


def simulator_data_path() -> Path:
    return simulator_dir() / "citizens.sqlite3"


def local_simulator_key() -> str:
    """The key shared by edudx and the local simulator when EDUDX_CITIZEN_REGISTRY_KEY is empty:
    random, kept under var/ like the secret key, never a constant in code."""
    path = simulator_dir() / "simulator_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def registry_key() -> str:
    return settings.EDUDX_CITIZEN_REGISTRY_KEY or local_simulator_key()


def get_connector(**overrides) -> Connector:
    from .http import HttpRegistryConnector

    options = {
        "base_url": settings.EDUDX_CITIZEN_REGISTRY_URL,
        "api_key": registry_key(),
        "batch_size": settings.EDUDX_CITIZEN_REGISTRY_BATCH,
        "rate": settings.EDUDX_CITIZEN_REGISTRY_RATE,
        "timeout": settings.EDUDX_CITIZEN_REGISTRY_TIMEOUT,
        "max_retries": settings.EDUDX_CITIZEN_REGISTRY_RETRIES,
        "cache_ttl": settings.EDUDX_CITIZEN_REGISTRY_CACHE_SECONDS,
    }
    options.update(overrides)
    return HttpRegistryConnector(**options)
