"""Every setting is declared here; environment modules only change values.

Values come from environment variables with safe defaults (12-factor). Runtime-tunable
values such as the current school year live in the database (core.Setting), not here.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import environ
from csp.constants import NONCE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

# Polars' thread pool is sized once, when polars is first imported (after the settings): one
# thread unless POLARS_MAX_THREADS says otherwise. A big import already keeps two threads busy
# (checks beside the ingest writer) and the servers run a process per core; a second polars
# thread only fights them for the cores (the results bench, edudx/results/README.md "Bench").
os.environ.setdefault("POLARS_MAX_THREADS", "1")

VAR_DIR = Path(env.str("EDUDX_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use EDUDX_SECRET_KEY, else a random key persisted under var/ (never a constant)."""
    if env.str("EDUDX_SECRET_KEY", default=""):
        return env.str("EDUDX_SECRET_KEY")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("EDUDX_DEBUG", default=False)
ALLOWED_HOSTS = env.list("EDUDX_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("EDUDX_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "oauth2_provider",
    "edudx.core",
    "edudx.orgs",
    "edudx.accounts",
    "edudx.registry",
    "edudx.identity",
    "edudx.ingest",
    "edudx.monitoring",
    "edudx.library",
    "edudx.lrs",
    "edudx.infrastructure",
    "edudx.exports",
    "edudx.quality",
    "edudx.skills",
    "edudx.learning",
    "edudx.partners",
    "edudx.policies",
    "edudx.opendata",
    "edudx.results",
    "edudx.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # gzip of pages whose request carried no input (BREACH: edudx/core/compression.py)
    "edudx.core.compression.SafeGZipMiddleware",
    "edudx.core.middleware.LeanPathMiddleware",  # LEAN_PATH_PREFIXES skip the rest
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (CONTENT_SECURITY_POLICY below)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "edudx.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "edudx.accounts.middleware.ScopeMiddleware",
    "edudx.accounts.middleware.SearchThrottleMiddleware",  # EDUDX_SEARCH_RATES below
    "django.contrib.messages.middleware.MessageMiddleware",
    "edudx.core.uploads.UploadLimitMiddleware",  # oversized uploads refused before CSRF and views
    "edudx.core.middleware.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]
# Machine APIs with their own credentials on every request: served past sessions, CSRF,
# auth, scope, messages, htmx and axes (core.middleware.LeanPathMiddleware).
LEAN_PATH_PREFIXES = ["/lrs/xapi/", "/lrs/oauth/"]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "edudx.web.context_processors.navigation",
            ],
        },
    },
]

# --- Database: SQLite (WAL) under var/ by default, PostgreSQL when DATABASE_URL says so.
SQLITE_PATH = VAR_DIR / "edudx.sqlite3"
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE avoids "database is locked" when a read transaction upgrades to a write.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA temp_store=MEMORY;"
            "PRAGMA mmap_size=268435456;"
            "PRAGMA cache_size=-65536;"
            # Checkpoint every ~80 MB of WAL instead of 4 MB: each checkpoint writes back and
            # syncs scattered index pages; fewer, larger ones coalesce the hot pages (xAPI
            # batch into a 10 M store: 252 → 95 ms per batch of 100).
            "PRAGMA wal_autocheckpoint=20000;"
        ),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: it compiles any plan costed over 100,000 (a list walked at city scale) for 45-75 ms
    # of a request that runs in less; pages are short queries that never repay it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# Persistent connections on SQLite too: opening one (file, pragmas, schema parse) costs
# ≈ 2.6 ms CPU, more than a whole small request (xAPI statement POST ≈ 1 ms).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("EDUDX_DB_CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): after EDUDX_LOGIN_FAILURE_LIMIT failures, the pair (username,
# client address) waits the cool-off; the same account from another address, and other accounts
# from the same address, are not held (docs/architecture.md, "Logins"). The client address is
# REMOTE_ADDR, or X-Forwarded-For when the request comes from one of EDUDX_TRUSTED_PROXIES
# (addresses or networks of our own reverse proxies; empty: no header is believed).
AXES_FAILURE_LIMIT = env.int("EDUDX_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("EDUDX_LOGIN_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
EDUDX_TRUSTED_PROXIES = env.list("EDUDX_TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "edudx.accounts.network.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("EDUDX_SESSION_AGE_SECONDS", default=8 * 3600)
SESSION_COOKIE_NAME = "edudx_session"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "edudx_csrf"
# Behind TLS (production) these become True; on the embedded default we serve plain http on loopback.
SESSION_COOKIE_SECURE = env.bool("EDUDX_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("EDUDX_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("EDUDX_HSTS_SECONDS", default=0)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("EDUDX_BEHIND_PROXY", default=False) else None
)

# --- Language: Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "edudx_language"
LOCALE_PATHS = [BASE_DIR / "edudx" / "locale"]
FORMAT_MODULE_PATH = ["edudx.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

# --- Static and media files (all assets served from our own origin; no CDN).
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing directory before collectstatic
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("EDUDX_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": env.str("EDUDX_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")
    },
    # Hashed names (app.3f2a….js) served with a year-long immutable cache, gzip/brotli
    # precompressed: needs `edudx collectstatic` (./run and scripts/setup.sh do it; tests use
    # the plain storage, config/settings/test.py).
    "staticfiles": {"BACKEND": "edudx.core.compression.ManifestStaticStorage"},
}
WHITENOISE_USE_FINDERS = True
# Uploads (edudx.core.uploads): a file bigger than FILE_UPLOAD_MAX_MEMORY_SIZE streams to a
# temporary file in 64 KiB chunks; LimitedUploadHandler, first, counts the bytes as they arrive
# and stops the upload past the limit of its URL prefix (EDUDX_UPLOAD_LIMITS, else
# EDUDX_UPLOAD_MAX_BYTES); UploadLimitMiddleware refuses a Content-Length over the limit
# before reading anything. DATA_UPLOAD_MAX_MEMORY_SIZE bounds the other fields of a form.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("EDUDX_UPLOAD_MAX_MEMORY", default=10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "edudx.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
EDUDX_UPLOAD_MAX_BYTES = env.int("EDUDX_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
# How much of a refused body is read and thrown away so the client sees the 413 (core/uploads.py).
EDUDX_UPLOAD_DRAIN_MAX_BYTES = env.int("EDUDX_UPLOAD_DRAIN_MAX_BYTES", default=4 * 1024 * 1024 * 1024)
INGEST_MAX_FILE_BYTES = env.int("EDUDX_INGEST_MAX_FILE_BYTES", default=1024 * 1024 * 1024)
INGEST_MAX_ROWS = env.int("EDUDX_INGEST_MAX_ROWS", default=3_000_000)
# A workbook sheet's grid (last row × widest column) above this is refused before it is read.
INGEST_MAX_WORKBOOK_CELLS = env.int("EDUDX_INGEST_MAX_WORKBOOK_CELLS", default=2_000_000)
LIBRARY_MAX_UPLOAD_BYTES = env.int("EDUDX_LIBRARY_MAX_UPLOAD_BYTES", default=500 * 1024 * 1024)
EDUDX_UPLOAD_LIMITS = {
    "/ingest/": INGEST_MAX_FILE_BYTES,
    "/api/v1/ingest/": INGEST_MAX_FILE_BYTES,
    "/library/": LIBRARY_MAX_UPLOAD_BYTES,
    "/api/v1/library/": LIBRARY_MAX_UPLOAD_BYTES,
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- Background jobs: Django's Tasks API (django-tasks backport) with the database backend.
TASKS = {"default": {"BACKEND": env.str("EDUDX_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

CACHES = {
    # Per-process figures for dashboards (a few seconds stale at most; nothing to share).
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "edudx"},
    # Counters every server process must share (search throttling): files under var/, with
    # atomic add/incr under a file lock — no cache service to run (edudx/core/cache.py says why
    # neither local memory nor the database cache).
    "shared": {
        "BACKEND": "edudx.core.cache.LockedFileBasedCache",
        "LOCATION": env.str("EDUDX_SHARED_CACHE_DIR", default=str(VAR_DIR / "cache")),
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}

# --- Search throttling (edudx/accounts/throttle.py), per user (API tokens: their user; else the
# client address). django-ratelimit rates, comma-separated ("60/m", "100/h", "300/d"); empty =
# no limit. Every request with a value in EDUDX_SEARCH_PARAMS counts against
# EDUDX_SEARCH_RATES; one holding a run of 9+ digits (a personal ID, a phone) also against
# EDUDX_ID_SEARCH_RATES: 1,000 lookups to enumerate a masked ID's hidden digits take > 3 days.
EDUDX_SEARCH_PARAMS = env.list("EDUDX_SEARCH_PARAMS", default=["q"])
EDUDX_SEARCH_RATES = env.list("EDUDX_SEARCH_RATES", default=["60/m"])
EDUDX_ID_SEARCH_RATES = env.list("EDUDX_ID_SEARCH_RATES", default=["100/h", "300/d"])
RATELIMIT_USE_CACHE = "shared"
RATELIMIT_IP_META_KEY = "edudx.accounts.network.client_ip"

# --- Content-Security-Policy (django-csp 4) on every page: scripts from our origin or carrying
# the response's nonce (`nonce="{{ request.csp_nonce }}"`), never inline handlers (onclick=…:
# web/static/web/behaviours.js binds data-* attributes instead). Style attributes stay allowed
# (style-src-attr): server-computed widths of progress bars; a style attribute runs nothing and
# reads nothing. <style> elements need the nonce. Bootstrap draws a few icons as data: images.
# The xAPI lean paths get the stricter EDUDX_LEAN_CSP (JSON only) from LeanPathMiddleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        # No frame-ancestors: X-Frame-Options (DENY, lifted by the LTI views the LMS frames) rules.
    },
}
EDUDX_LEAN_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

# --- E-mail (password reset). Development prints messages on the console; production sends
# through the SMTP server the environment names (config/settings/production.py).
EMAIL_BACKEND = env.str("EDUDX_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EDUDX_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EDUDX_EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EDUDX_EMAIL_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EDUDX_EMAIL_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EDUDX_EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = env.int("EDUDX_EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("EDUDX_EMAIL_FROM", default="edudx <no-reply@localhost>")
PASSWORD_RESET_TIMEOUT = env.int("EDUDX_PASSWORD_RESET_SECONDS", default=3 * 3600)
EDUDX_PASSWORD_RESET_RATES = env.list("EDUDX_PASSWORD_RESET_RATES", default=["5/h"])  # per client address
# Password changes by a logged-in user (each guess of the current password is one): per user.
EDUDX_PASSWORD_CHANGE_RATES = env.list("EDUDX_PASSWORD_CHANGE_RATES", default=["10/h"])

# --- API
NINJA_PAGINATION_PER_PAGE = 50

# --- edudx
EDUDX_PAGE_SIZE = env.int("EDUDX_PAGE_SIZE", default=50)
EDUDX_API_MAX_LIMIT = 500

# --- Places and limits the apps read (each was a getattr default in the code; same values).
# Analytics warehouse (edudx/core/warehouse.py): where the Parquet parts go; on PostgreSQL rows
# stored in the last WAREHOUSE_SETTLE_SECONDS wait for the next export (edudx/lrs/README.md).
WAREHOUSE_DIR = Path(env.str("EDUDX_WAREHOUSE_DIR", default=str(VAR_DIR / "warehouse")))
WAREHOUSE_SETTLE_SECONDS = env.int("EDUDX_WAREHOUSE_SETTLE_SECONDS", default=10)
# Maintained aggregates (edudx/core/aggregates.py): a dashboard whose oldest figure is older than
# this queues a background refresh; so a change another app makes shows within a minute.
EDUDX_AGGREGATE_MAX_AGE_SECONDS = env.int("EDUDX_AGGREGATE_MAX_AGE_SECONDS", default=60)
# Imports (edudx/ingest/README.md): working files, chunk size, which files go to the worker or
# take the bulk-load path, and what a file may hold.
INGEST_WORK_DIR = Path(env.str("EDUDX_INGEST_WORK_DIR", default=str(VAR_DIR / "ingest")))
INGEST_CHUNK_ROWS = env.int("EDUDX_INGEST_CHUNK_ROWS", default=50_000)
INGEST_BACKGROUND_BYTES = env.int("EDUDX_INGEST_BACKGROUND_BYTES", default=2 * 1024 * 1024)
INGEST_BULK_LOAD_BYTES = env.int("EDUDX_INGEST_BULK_LOAD_BYTES", default=4 * 1024 * 1024)
INGEST_BULK_LOAD_SHARE = env.float("EDUDX_INGEST_BULK_LOAD_SHARE", default=0.5)
# A big partial import into a populated SQLite database commits this many rows per transaction
# (edudx/ingest/engine/commit.py; 0 rows: one transaction); while other writers wait for the lock
# (core/db/writers.py) it holds off before a commit until they are through, at most the pause,
# and commits the contended rows per transaction for a while after. Alone it never pauses.
INGEST_COMMIT_ROWS = env.int("EDUDX_INGEST_COMMIT_ROWS", default=1000)
INGEST_COMMIT_ROWS_CONTENDED = env.int("EDUDX_INGEST_COMMIT_ROWS_CONTENDED", default=200)
INGEST_COMMIT_PAUSE_MS = env.int("EDUDX_INGEST_COMMIT_PAUSE_MS", default=1000)
INGEST_MAX_COLUMNS = env.int("EDUDX_INGEST_MAX_COLUMNS", default=500)
INGEST_MAX_ZIP_ENTRIES = env.int("EDUDX_INGEST_MAX_ZIP_ENTRIES", default=2000)
INGEST_MAX_UNCOMPRESSED_BYTES = env.int("EDUDX_INGEST_MAX_UNCOMPRESSED_BYTES", default=1024 * 1024 * 1024)
INGEST_MAX_COMPRESSION_RATIO = env.int("EDUDX_INGEST_MAX_COMPRESSION_RATIO", default=200)
# Library (edudx/library/README.md): how far an archive may expand; the OAI-PMH repository's identity.
LIBRARY_MAX_UNCOMPRESSED_MB = env.int("EDUDX_LIBRARY_MAX_UNCOMPRESSED_MB", default=1024)
LIBRARY_OAI_REPOSITORY_ID = env.str("EDUDX_LIBRARY_OAI_REPOSITORY_ID", default="edudx.hcm.edu.vn")
LIBRARY_OAI_ADMIN_EMAIL = env.str("EDUDX_LIBRARY_OAI_ADMIN_EMAIL", default="hoclieu@example.edu.vn")

# Open data (edudx.opendata): no published count of people below this; complementary cells
# are hidden so that totals cannot reveal one either.
OPENDATA_MIN_COUNT = env.int("EDUDX_OPENDATA_MIN_COUNT", default=10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Personal IDs and phone numbers (runs of 9+ digits) never reach a log line, whatever
    # logged them (a URL with its query string, an error): edudx/core/logmask.py. gunicorn's
    # access log is masked by the same rule (gunicorn.conf.py).
    "filters": {"mask_personal_ids": {"()": "edudx.core.logmask.MaskPersonalIds"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_personal_ids"]}
    },
    "root": {"handlers": ["console"], "level": env.str("EDUDX_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "django.db.backends": {"level": "WARNING"}},
}

# --- identity: verification against the national population registry (edudx/identity/README.md).
# The default URL is the local simulator that `run` starts; an empty key means the local
# simulator's random key kept under var/identity/.
EDUDX_CITIZEN_REGISTRY_URL = env.str("EDUDX_CITIZEN_REGISTRY_URL", default="http://127.0.0.1:8765")
EDUDX_CITIZEN_REGISTRY_KEY = env.str("EDUDX_CITIZEN_REGISTRY_KEY", default="")
EDUDX_CITIZEN_REGISTRY_BATCH = env.int("EDUDX_CITIZEN_REGISTRY_BATCH", default=100)  # people per request
EDUDX_CITIZEN_REGISTRY_RATE = env.float("EDUDX_CITIZEN_REGISTRY_RATE", default=10.0)  # requests per second
EDUDX_CITIZEN_REGISTRY_TIMEOUT = env.float("EDUDX_CITIZEN_REGISTRY_TIMEOUT", default=10.0)  # seconds
EDUDX_CITIZEN_REGISTRY_RETRIES = env.int("EDUDX_CITIZEN_REGISTRY_RETRIES", default=4)
EDUDX_CITIZEN_REGISTRY_CACHE_SECONDS = env.int("EDUDX_CITIZEN_REGISTRY_CACHE_SECONDS", default=24 * 3600)

LOGGING["loggers"]["httpx"] = {"level": "WARNING"}  # one INFO line per registry request is noise
# runserver's request lines (with query strings) through the masking console handler too.
LOGGING["loggers"]["django.server"] = {"handlers": ["console"], "level": "INFO", "propagate": False}
# --- LRS (xAPI learning record store)
LRS_MAX_LIMIT = env.int("LRS_MAX_LIMIT", default=500)
LRS_TOKEN_SECONDS = env.int("LRS_TOKEN_SECONDS", default=3600)
LRS_AUTHORITY_HOMEPAGE = env.str("LRS_AUTHORITY_HOMEPAGE", default="https://edudx.hcm.edu.vn/lrs")
LRS_INLINE_DOCUMENT_MAX = env.int("LRS_INLINE_DOCUMENT_MAX", default=64 * 1024)
# The xAPI versions this LRS serves (1.0.3, 2.0.0): a request naming another is refused, and a
# response to one naming none is labelled with the newest (docs/lrs-conformance.md, decision 1).
LRS_XAPI_VERSIONS = env.list("LRS_XAPI_VERSIONS", default=["1.0.3", "2.0.0"])
# --- Learning: quiz submissions written by one writer thread per process in batches (group
# commit, edudx/learning/services/submissions.py; a request is answered after its batch commits);
# off, each submission commits in its request.
LEARNING_SUBMISSION_QUEUE = env.bool("EDUDX_LEARNING_SUBMISSION_QUEUE", default=True)
# --- Partners (edudx/partners/README.md): OAuth 2.0 clients of partner apps (django-oauth-toolkit).
# Client credentials, and authorization code + PKCE with OpenID Connect for apps acting for a
# signed-in user; secrets are stored hashed (shown once); a client may ask only the scopes the
# department gave it (edudx.partners.oauth.ClientScopes).


def _oidc_rsa_key() -> str:
    """The RSA key signing OpenID Connect ID tokens: EDUDX_OIDC_RSA_KEY (PEM), else one made once
    and kept under var/ (linked into place, so workers starting together share one key)."""
    if env.str("EDUDX_OIDC_RSA_KEY", default=""):
        return env.str("EDUDX_OIDC_RSA_KEY")
    path = VAR_DIR / "oidc_rsa.pem"
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        tmp = VAR_DIR / f"oidc_rsa.{secrets.token_hex(8)}.tmp"
        tmp.write_bytes(pem)
        tmp.chmod(0o600)
        try:
            path.hardlink_to(tmp)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text()


OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _oidc_rsa_key(),
    # The issuer is this site's /partners/oauth (edudx.partners.oauth.Validator).
    "OAUTH2_VALIDATOR_CLASS": "edudx.partners.oauth.Validator",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],  # http only to localhost (partners.services)
    "SCOPES": {
        "openid": "OpenID Connect: who the signed-in user is",
        "profile": "OpenID Connect: the signed-in user's name",
        "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly": "OneRoster core rostering, read",
        "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly": "OneRoster rostering, read",
        "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-demographics.readonly": "OneRoster demographics, read",
    },
    "DEFAULT_SCOPES": [],
    "SCOPES_BACKEND_CLASS": "edudx.partners.oauth.ClientScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("EDUDX_PARTNER_TOKEN_SECONDS", default=3600),
    "PKCE_REQUIRED": True,
}
# Requests per partner client (django-ratelimit rate), and the largest OneRoster page.
EDUDX_PARTNER_RATE = env.str("EDUDX_PARTNER_RATE", default="600/m")
EDUDX_PARTNER_MAX_LIMIT = env.int("EDUDX_PARTNER_MAX_LIMIT", default=1000)
