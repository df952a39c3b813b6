"""Depot settings: one module, driven by environment variables.

With nothing set, Depot runs on its embedded defaults: SQLite, a Celery broker on the filesystem, storage,
cache and rate-limit state under var/, and the ASD simulator as the upstream. PORTAL_ENV=production switches
on the production checks: PostgreSQL, Redis, a real secret key and host names become required. Every variable
is listed in README.md ("Configuration").
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()


def _fail(name: str, expected: str, got: object = None) -> ImproperlyConfigured:
    shown = "" if got is None else f" (got {got!r})"
    return ImproperlyConfigured(f"{name} {expected}{shown}")


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _get(name: str, cast: type, default: object, expected: str) -> Any:
    """Read one variable; a value that does not parse stops start-up with a message naming it."""
    if cast is bool and name in env.ENVIRON:
        text = env.str(name).strip().lower()
        if text not in _TRUE | _FALSE:
            raise _fail(name, "must be true or false", text)
        return text in _TRUE
    try:
        return env(name, cast=cast, default=default)
    except (ValueError, TypeError) as exc:
        raise _fail(name, expected, env.str(name, default="")) from exc


PORTAL_ENV = env.str("PORTAL_ENV", default="embedded")
if PORTAL_ENV not in {"embedded", "production"}:
    raise _fail("PORTAL_ENV", "must be 'embedded' or 'production'", PORTAL_ENV)
PRODUCTION = PORTAL_ENV == "production"


def _required_in_production(name: str, example: str) -> None:
    if PRODUCTION and not env.str(name, default=""):
        raise _fail(name, f"is required when PORTAL_ENV=production; set it like {example}")


for _name, _example in [
    ("PORTAL_SECRET_KEY", "a random string of 50+ characters"),
    ("PORTAL_ALLOWED_HOSTS", "depot.example.net,10.0.0.5"),
    ("DATABASE_URL", "postgres://depot:secret@db:5432/depot"),
    ("CELERY_BROKER_URL", "redis://redis:6379/0"),
]:
    _required_in_production(_name, _example)

VAR_DIR = Path(env.str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = _get("PORTAL_DEBUG", bool, False, "must be true or false")


def _secret_key() -> str:
    if key := env.str("PORTAL_SECRET_KEY", default=""):
        if len(key) < 50:
            raise _fail("PORTAL_SECRET_KEY", "must be at least 50 characters long", f"{len(key)} characters")
        return key
    # Embedded default: one key per installation, kept under var/ so web and workers agree on it.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = _get("PORTAL_ALLOWED_HOSTS", list, ["127.0.0.1", "localhost", "[::1]", "testserver"], "host list")
CSRF_TRUSTED_ORIGINS = _get("PORTAL_CSRF_TRUSTED_ORIGINS", list, [], "must be a list of https://host origins")


def _base_url(name: str) -> str:
    """An optional base URL (http(s), a host, maybe a port and a path prefix; no query, fragment or password)."""
    value = env.str(name, default="").strip()
    if not value:
        return ""
    if "@" in value:  # never echo a password back
        raise _fail(name, "must not hold a user name or password")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise _fail(name, "must be an http(s) URL such as https://depot.example.net", value)
    return value.rstrip("/")


# Where people reach Depot (links in e-mails and API answers) and where devices do (device links, copy commands);
# unset, links are built from the request's Host header (portal/core/links.py).
PORTAL_BASE_URL = _base_url("PORTAL_BASE_URL")
PORTAL_DEVICE_BASE_URL = _base_url("PORTAL_DEVICE_BASE_URL")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "portal.core",
    "portal.accounts",
    "portal.cisco",
    "portal.inventory",
    "portal.catalog",
    "downloads",
    "compliance",
    "webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Every view needs a login unless marked login_not_required (login, /healthz, device links, the API).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "portal.core.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.accounts.context_processors.navigation",
            ],
            # counted, size, megabytes, duration: one way to write numbers on every page, without a {% load %}.
            "builtins": ["portal.core.templatetags.depot"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
_SQLITE_PATH = VAR_DIR / "depot.sqlite3"
_DB_EXPECTED = "must look like postgres://user:password@host:5432/name or sqlite:////path/db.sqlite3"
_db_text = env.str("DATABASE_URL", default=f"sqlite:///{_SQLITE_PATH}")
if urlsplit(_db_text).scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
    raise _fail("DATABASE_URL", _DB_EXPECTED, _db_text)
try:
    _db = environ.Env.db_url_config(_db_text)
except (ValueError, KeyError) as exc:
    raise _fail("DATABASE_URL", _DB_EXPECTED, _db_text) from exc
if _db["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server read while a worker writes; the busy timeout makes writers queue, not fail.
    _db["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    # Tests run a real worker process, which must see the same database file as the test process.
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test-{Path(_db['NAME']).stem}.sqlite3")}
    # The device list's covering indexes carry extra columns on PostgreSQL; SQLite builds them without, as intended.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    _db["CONN_MAX_AGE"] = _get("PORTAL_DB_CONN_MAX_AGE", int, 60, "must be a number of seconds")
    _db["CONN_HEALTH_CHECKS"] = True
    if _get("PORTAL_DB_PREPARED_STATEMENTS", bool, True, "must be true or false"):
        # Planning a list's joins costs PostgreSQL more than running them (device page: 2 ms vs 0.25 ms): a
        # statement sent a second time on a connection is prepared and planned no more. Needs server-side
        # parameters; off behind a transaction-pooling proxy (pgbouncer), which cannot keep prepared statements.
        _db["OPTIONS"] = {**_db.get("OPTIONS", {}), "server_side_binding": True, "prepare_threshold": 2}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------------------
# The cache is shared by every process (the upstream OAuth token lives there): the database cache on the
# embedded defaults, Redis in production.
try:
    CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://portal_cache")}
except (ValueError, KeyError, environ.ImproperlyConfigured) as exc:
    raise _fail(
        "CACHE_URL", "must look like redis://host:6379/1 or dbcache://table_name", env.str("CACHE_URL", default="")
    ) from exc
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "portal.core.cache.RedisCache"  # one client per pool, not one per call
CACHES["default"]["KEY_PREFIX"] = env.str("PORTAL_CACHE_PREFIX", default="depot")

# --- Celery -----------------------------------------------------------------------------------------------
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
_broker_scheme = urlsplit(CELERY_BROKER_URL).scheme
if _broker_scheme == "filesystem" and not urlsplit(CELERY_BROKER_URL).hostname:
    # kombu warns "No hostname was supplied" on every connection of a host-less URL; the folder is what counts.
    CELERY_BROKER_URL = "filesystem://localhost/"
if _broker_scheme not in {"redis", "rediss", "filesystem"}:
    raise _fail(
        "CELERY_BROKER_URL",
        "must look like redis://host:6379/0 (or filesystem:// for the embedded broker)",
        CELERY_BROKER_URL,
    )
# Hard limit for one task; a 4 GiB image at the slowest sane rate (~5 MB/s) takes ~15 minutes.
CELERY_TASK_TIME_LIMIT = _get("PORTAL_TASK_TIME_LIMIT", int, 3 * 3600, "must be a number of seconds")
# The soft limit raises inside the task first, so it can save progress and release its lock before the kill.
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# A task is acknowledged only after it finishes: a worker that dies mid-task leaves the message to redeliver.
CELERY_TASK_ACKS_LATE = True
# ...and if the worker process is killed (SIGKILL, OOM), the message goes back to the queue instead of being lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Long tasks: a worker takes one message at a time so others are not stuck behind a transfer it holds.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("PORTAL_CELERY_QUEUE", default="depot")
CELERY_TASK_IGNORE_RESULT = True  # job state lives in database rows, never in a result backend
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"
if _broker_scheme == "filesystem":
    BROKER_DIR.mkdir(parents=True, exist_ok=True)
    # kombu's transport with message files renamed into place, so a polling worker never reads half a message.
    CELERY_BROKER_TRANSPORT = "portal.core.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # The folder is polled; the default second would add up to a second to every queued job.
        "polling_interval": 0.1,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Redis redelivers an unacknowledged message after this many seconds; it must exceed the hard time
        # limit, or a long transfer still running would be handed to a second worker.
        "visibility_timeout": CELERY_TASK_TIME_LIMIT + 600,
        "global_keyprefix": env.str("PORTAL_CELERY_KEY_PREFIX", default=""),
    }
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}  # apps add theirs in <app>/schedules.py

# --- Storage ----------------------------------------------------------------------------------------------
PORTAL_STORAGE_DIR = Path(env.str("PORTAL_STORAGE_DIR", default=str(VAR_DIR / "storage"))).resolve()

# --- Downloads ----------------------------------------------------------------------------------------------
PORTAL_DOWNLOAD_MAX_RATE = _get("PORTAL_DOWNLOAD_MAX_RATE", int, 0, "must be bytes per second (0: no cap)")
PORTAL_DOWNLOAD_CHUNK_SIZE = _get("PORTAL_DOWNLOAD_CHUNK_SIZE", int, 1 << 20, "must be a number of bytes")
PORTAL_DOWNLOAD_HEARTBEAT_STALE = _get("PORTAL_DOWNLOAD_HEARTBEAT_STALE", float, 120.0, "must be seconds")
PORTAL_DOWNLOAD_QUEUED_STALE = _get("PORTAL_DOWNLOAD_QUEUED_STALE", float, 300.0, "must be seconds")
PORTAL_DOWNLOAD_RESUME_ATTEMPTS = _get("PORTAL_DOWNLOAD_RESUME_ATTEMPTS", int, 6, "must be a whole number")
PORTAL_PARTIAL_MAX_AGE = _get("PORTAL_PARTIAL_MAX_AGE", float, 86400.0, "must be seconds")
PORTAL_DEVICE_LINK_MAX_AGE = _get("PORTAL_DEVICE_LINK_MAX_AGE", int, 86400, "must be seconds")
# e.g. /_storage/: the web server answers with X-Accel-Redirect and nginx sends the file itself.
PORTAL_SERVE_ACCEL_PREFIX = env.str("PORTAL_SERVE_ACCEL_PREFIX", default="")

# --- Upstream (Cisco ASD API v4.0 or the simulator) ----------------------------------------------------------
PORTAL_UPSTREAM_URL = env.str("PORTAL_UPSTREAM_URL", default="http://127.0.0.1:8001").rstrip("/")
PORTAL_TOKEN_URL = env.str("PORTAL_TOKEN_URL", default=f"{PORTAL_UPSTREAM_URL}/oauth2/default/v1/token")
for _name, _url in [("PORTAL_UPSTREAM_URL", PORTAL_UPSTREAM_URL), ("PORTAL_TOKEN_URL", PORTAL_TOKEN_URL)]:
    if urlsplit(_url).scheme not in {"http", "https"} or not urlsplit(_url).hostname:
        raise _fail(_name, "must be an http(s) URL such as https://apix.cisco.com", _url)
PORTAL_CLIENT_ID = env.str("PORTAL_CLIENT_ID", default="depot-demo")
PORTAL_CLIENT_SECRET = env.str("PORTAL_CLIENT_SECRET", default="depot-demo-secret")
PORTAL_UPSTREAM_QPS = _get("PORTAL_UPSTREAM_QPS", float, 2.0, "must be a positive number of requests per second")
if PORTAL_UPSTREAM_QPS <= 0:
    raise _fail("PORTAL_UPSTREAM_QPS", "must be a positive number of requests per second", PORTAL_UPSTREAM_QPS)
PORTAL_UPSTREAM_CONNECT_TIMEOUT = _get("PORTAL_UPSTREAM_CONNECT_TIMEOUT", float, 5.0, "must be seconds")
PORTAL_UPSTREAM_READ_TIMEOUT = _get("PORTAL_UPSTREAM_READ_TIMEOUT", float, 60.0, "must be seconds")
PORTAL_RATELIMIT_STORAGE_URL = env.str(
    "PORTAL_RATELIMIT_STORAGE_URL",
    default=CACHES["default"]["LOCATION"]
    if _broker_scheme.startswith("redis") and "redis" in CACHES["default"]["BACKEND"].lower()
    else f"sqlite:///{VAR_DIR / 'ratelimit.sqlite3'}",
)
# Retries of upstream calls (connection errors, timeouts, 5xx): bounded in count and in total time.
PORTAL_UPSTREAM_RETRY_MAX_ATTEMPTS = _get("PORTAL_UPSTREAM_RETRY_MAX_ATTEMPTS", int, 5, "must be a whole number")
PORTAL_UPSTREAM_RETRY_BACKOFF = _get("PORTAL_UPSTREAM_RETRY_BACKOFF", float, 0.5, "must be seconds")
PORTAL_UPSTREAM_RETRY_BACKOFF_MAX = _get("PORTAL_UPSTREAM_RETRY_BACKOFF_MAX", float, 15.0, "must be seconds")
PORTAL_UPSTREAM_RETRY_TOTAL_TIMEOUT = _get("PORTAL_UPSTREAM_RETRY_TOTAL_TIMEOUT", float, 180.0, "must be seconds")
# Rate-limited answers (403 QPS / 429) are retried this many times. A request holds its place in the rate window
# until 1 s after its answer, or after its grant plus the margin (seconds) when that is sooner: the margin covers
# a request that reaches the upstream late while its answer is slow (portal/cisco/ratelimit.py). Raise it if the
# upstream refuses requests for QPS.
PORTAL_UPSTREAM_RATE_LIMIT_RETRIES = _get("PORTAL_UPSTREAM_RATE_LIMIT_RETRIES", int, 8, "must be a whole number")
PORTAL_UPSTREAM_QPS_MARGIN = _get("PORTAL_UPSTREAM_QPS_MARGIN", float, 0.1, "must be seconds")
_default_download_hosts = [] if PRODUCTION else ["127.0.0.1", "localhost"]
PORTAL_ALLOWED_DOWNLOAD_HOSTS = _get(
    "PORTAL_ALLOWED_DOWNLOAD_HOSTS",
    list,
    ["*.cisco.com", *_default_download_hosts],
    "must be a comma-separated host list like *.cisco.com,cdn.example",
)

# --- Webhooks -------------------------------------------------------------------------------------------------
# Hosts webhooks may point at: the syntax and rules of PORTAL_ALLOWED_DOWNLOAD_HOSTS; none in production until listed.
PORTAL_ALLOWED_WEBHOOK_HOSTS = _get(
    "PORTAL_ALLOWED_WEBHOOK_HOSTS",
    list,
    _default_download_hosts,
    "must be a comma-separated host list like hooks.example.net,*.example.org",
)
PORTAL_WEBHOOK_CONNECT_TIMEOUT = _get("PORTAL_WEBHOOK_CONNECT_TIMEOUT", float, 5.0, "must be seconds")
PORTAL_WEBHOOK_READ_TIMEOUT = _get("PORTAL_WEBHOOK_READ_TIMEOUT", float, 10.0, "must be seconds")
PORTAL_WEBHOOK_MAX_ATTEMPTS = _get("PORTAL_WEBHOOK_MAX_ATTEMPTS", int, 6, "must be a whole number")
PORTAL_WEBHOOK_RETRY_BACKOFF = _get("PORTAL_WEBHOOK_RETRY_BACKOFF", float, 10.0, "must be seconds")
PORTAL_WEBHOOK_RETRY_BACKOFF_MAX = _get("PORTAL_WEBHOOK_RETRY_BACKOFF_MAX", float, 300.0, "must be seconds")
PORTAL_WEBHOOK_STALE = _get("PORTAL_WEBHOOK_STALE", float, 120.0, "must be seconds")
PORTAL_WEBHOOK_LOG_DAYS = _get("PORTAL_WEBHOOK_LOG_DAYS", float, 30.0, "must be a number of days")

# --- NetBox (optional inventory source) ---------------------------------------------------------------------
PORTAL_NETBOX_URL = env.str("PORTAL_NETBOX_URL", default="")
PORTAL_NETBOX_TOKEN = env.str("PORTAL_NETBOX_TOKEN", default="")
# The NetBox custom field that holds a device's running release (else the version in the platform's name).
PORTAL_NETBOX_RELEASE_FIELD = env.str("PORTAL_NETBOX_RELEASE_FIELD", default="software_version")
PORTAL_NETBOX_MEMORY_FIELD = env.str("PORTAL_NETBOX_MEMORY_FIELD", default="memory_mb")
PORTAL_NETBOX_FLASH_FIELD = env.str("PORTAL_NETBOX_FLASH_FIELD", default="flash_mb")

# --- Auth, sessions, security -------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Login throttling (django-axes, see portal/accounts/lockout.py): failures counted per user name and per address.
# Django's ModelBackend with each user's permissions and roles kept in the shared cache (portal/accounts/access.py).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "portal.accounts.access.CachedModelBackend"]
AXES_FAILURE_LIMIT = _get("PORTAL_LOGIN_FAILURE_LIMIT", int, 5, "must be a whole number of failed logins")
AXES_COOLOFF_TIME = dt.timedelta(minutes=_get("PORTAL_LOGIN_COOLOFF", float, 15.0, "must be a number of minutes"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "portal.accounts.lockout.client_ip"
AXES_VERBOSE = False
PORTAL_PROXY_COUNT = _get("PORTAL_PROXY_COUNT", int, 0, "must be the number of reverse proxies in front (0: none)")
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME.total_seconds() <= 0 or PORTAL_PROXY_COUNT < 0:
    raise _fail(
        "PORTAL_LOGIN_FAILURE_LIMIT, PORTAL_LOGIN_COOLOFF and PORTAL_PROXY_COUNT",
        "must be positive (the proxy count may be 0)",
    )
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
# Sessions read from the shared cache, written through to the database: one query less on every page.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _get("PORTAL_SSL_REDIRECT", bool, True, "must be true or false")
    # Devices copy images over plain http (copy http://depot/d/... flash:), and probes call /healthz.
    SECURE_REDIRECT_EXEMPT = [r"^d/", r"^healthz$"]
    SECURE_HSTS_SECONDS = _get("PORTAL_HSTS_SECONDS", int, 31536000, "must be a number of seconds")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Email (compliance notifications) ------------------------------------------------------------------------
# PORTAL_EMAIL_URL: smtp+tls://user:password@mail.example.net:587, or consolemail:// (print to the log).
try:
    vars().update(env.email_url("PORTAL_EMAIL_URL", default="consolemail://"))
except (ValueError, KeyError, environ.ImproperlyConfigured) as exc:
    raise _fail(
        "PORTAL_EMAIL_URL",
        "must look like smtp+tls://user:password@host:587 or consolemail://",
        env.str("PORTAL_EMAIL_URL", default=""),
    ) from exc
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":  # noqa: F821 - set by vars().update above
    # Printed mail would reach a worker's stdout, which Celery logs line by line as WARNING: log it once, at INFO.
    EMAIL_BACKEND = "portal.core.mail.LogEmailBackend"
DEFAULT_FROM_EMAIL = env.str("PORTAL_FROM_EMAIL", default="depot@localhost")

# --- I18N, static -------------------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at start-up when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION  # embedded: serve static files without collectstatic

# --- REST API -------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.core.api.pagination.StandardPagination",
    # JSON only; DRF's browsable pages (HTML forms built from API data) only in debug mode.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_PARSER_CLASSES": [
        "portal.core.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "portal.core.api.filters.StrictSearchBackend",
        "portal.core.api.filters.StrictOrderingBackend",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.core.api.throttling.AnonRateThrottle",
        "portal.core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("PORTAL_API_ANON_RATE", default="60/minute"),
        "user": env.str("PORTAL_API_USER_RATE", default="6000/minute"),
    },
    "EXCEPTION_HANDLER": "portal.core.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "portal.core.api.schemas.PortalAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Depot API",
    "DESCRIPTION": "Cisco software inventory, recommendations, verified downloads and compliance decisions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are for users of Depot only (a token or a session), like the rest of the API.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI from the installed sidecar package: no CDN, and no inline script (CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every choice set has a schema name that says what it is (not "StatusEnum" for two different sets).
    "ENUM_NAME_OVERRIDES": {
        "WebhookDeliveryStateEnum": "webhooks.choices.DeliveryState",
        "RefreshStateEnum": "portal.catalog.choices.RefreshState",
        "RefreshTriggerEnum": "portal.catalog.choices.RefreshTrigger",
        "CatalogStateEnum": "portal.catalog.choices.CatalogState",
        "RecommendationReasonEnum": "portal.catalog.choices.Reason",
        "FormKindEnum": "compliance.choices.FormKind",
        "DecisionStatusEnum": "compliance.choices.DecisionStatus",
        "DownloadJobStateEnum": "downloads.choices.JobState",
        "DownloadJobSourceEnum": "downloads.choices.JobSource",
        "ComplianceNeedEnum": "downloads.choices.ComplianceNeed",
        "StoredImageCheckStatusEnum": "downloads.choices.StoredImageStatus",
        "FleetDownloadSkipReasonEnum": "downloads.choices.SkipReason",
        "DeviceSourceEnum": "portal.inventory.choices.DeviceSource",
        "OsFamilyEnum": "portal.inventory.choices.OsFamily",
    },
    "ENUM_ADD_EXPLICIT_BLANK_NULL_CHOICE": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.core.api.schemas.drop_unused_components",
    ],
}

# --- Logging --------------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("PORTAL_LOG_LEVEL", default="INFO")},
    # django-axes logs every login at INFO; its lockouts are WARNING.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
