"""Test settings: same shape as base, faster hashing, no throttling noise."""

from .base import *  # noqa: F403
from .base import DATABASES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303 - tests only
AXES_ENABLED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in-memory per worker
else:
    # Parallel runs against one PostgreSQL server (several checkouts or helpers) each get
    # their own test database.
    _suffix = env.str("EDUDX_TEST_DB_SUFFIX", default="")
    if _suffix:
        DATABASES["default"]["TEST"] = {"NAME": f"test_edudx_{_suffix}"}
# No search throttling unless a test sets its rates (accounts/tests/test_throttle.py); its
# counters in memory, per test process.
EDUDX_SEARCH_RATES: list[str] = []
EDUDX_ID_SEARCH_RATES: list[str] = []
CACHES = {
    **CACHES,  # noqa: F405
    "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The warehouse exports a PostgreSQL row at once in tests (no other writer is racing it).
WAREHOUSE_SETTLE_SECONDS = 0
# Browser tests wait for the live server's last request before the database is flushed.
MIDDLEWARE = ["edudx.core.testing.inflight.InflightMiddleware", *MIDDLEWARE]  # noqa: F405
