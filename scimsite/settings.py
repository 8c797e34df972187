"""Settings, read from the environment through django-environ.

Only bootstrap facts come from the environment; the connector's own configuration lives in
Secret Server (the SCIMSecret) and is read at run time.
"""
import socket
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
_INSECURE_DEV_KEY = "insecure-dev-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_DEV_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable (or DEBUG=true for development).")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Reverse proxies (addresses or CIDRs) whose X-Request-ID is kept; from anyone else it is replaced.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served locally: nothing loads from a CDN
    "connector",
    "accessrequests",
    "scim",
]

MIDDLEWARE = [
    "scimsite.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "scim.middleware.ScimMiddleware",  # /v2/: no session, CSRF, setup or access middleware (scim/middleware.py)
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "connector.middleware.ConnectorAccessMiddleware",
    "connector.middleware.SetupRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "connector.middleware.SecretServerUnavailableMiddleware",
]

ROOT_URLCONF = "scimsite.urls"

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
                "connector.context_processors.connector_context",
            ],
        },
    },
]

WSGI_APPLICATION = "scimsite.wsgi.application"
# Plain inputs and selects rendered in Python (same HTML as Django's widget templates; connector/fast_forms.py).
FORM_RENDERER = "connector.fast_forms.PythonWidgetRenderer"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
# Persistent connections (a new one per request cost a third of the connector's per-page overhead), checked
# before reuse so a restarted database costs one failed ping, not a failed request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
# ... except for a connection checked less than this many seconds ago (scimsite/db_alive.py; 0: always check).
DB_ALIVE_BYPASS_SECONDS = env.float("DB_ALIVE_BYPASS_SECONDS", default=1.0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    from scimsite.private_files import private_sqlite_file

    private_sqlite_file(DATABASES["default"]["NAME"])  # directory 0700 when created, database 0600
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    DATABASES["default"]["ENGINE"] = "scimsite.db.sqlite3"  # Django's, with a cheaper datetime converter
    # Tests get an in-memory database, as Django's own SQLite engine does (pytest-django knows it by name only).
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://scim-connector")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "scimsite.redis_cache.RedisCache"  # one client per pool (scimsite/redis_cache.py)
# Worker processes serving the connector (gunicorn's WEB_CONCURRENCY is read too): more than one needs a
# shared CACHE_URL, or the lockout counts per worker (system check connector.E001, connector/checks.py).
CONNECTOR_WORKERS = env.int("CONNECTOR_WORKERS", default=1)
# Sessions read from the shared cache, written through to the database (a cache flush signs nobody out).
SESSION_ENGINE = env.str("SESSION_ENGINE", default="connector.sessions")  # cached_db, read with the version tokens

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = []  # no local passwords: Secret Server checks them
AUTHENTICATION_BACKENDS = ["connector.auth_backends.SecretServerBackend"]
LOGIN_URL = "login"

# --- Sign-in and sessions (connector/services/signin.py, connector/middleware.py) ---------------------
SESSION_COOKIE_AGE = 12 * 3600  # the absolute cap; idle expiry (ui_session_minutes) is enforced in middleware
CONNECTOR_SESSION_MAX_SECONDS = env.int("CONNECTOR_SESSION_MAX_SECONDS", default=12 * 3600)
CONNECTOR_ACCESS_RECHECK_SECONDS = env.int("CONNECTOR_ACCESS_RECHECK_SECONDS", default=60)
CONNECTOR_ACCESS_STALE_SECONDS = 300  # keep the last decision this long while Secret Server is down
CONNECTOR_SETUP_REDIRECT = True  # every page leads to setup until the connector is configured
SIGNIN_FAILURES_PER_USER_IP = 5
SIGNIN_FAILURES_PER_USER = 10
SIGNIN_FAILURE_WINDOW_SECONDS = 15 * 60
SIGNIN_LOCKOUT_SECONDS = 15 * 60
# Bearer tokens on the API (connector/services/bearer_guard.py): a refused token is remembered this long, and
# an address gets this many refusals per window before further unknown tokens are refused without a call.
BEARER_REFUSAL_CACHE_SECONDS = 30
BEARER_REFUSALS_PER_ADDRESS = 10
BEARER_REFUSAL_WINDOW_SECONDS = 60

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ENABLED=true (trusts X-Forwarded-Proto).
if env.bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)  # opt in: preloading is hard to undo
# Deliberately silenced: HSTS preload is a decision for the whole registrable domain (every subdomain must
# serve HTTPS, and leaving the browsers' list takes months), which a connector installed on an internal
# host cannot take for its organisation. HSTS itself stays on (SECURE_HSTS_SECONDS, one year). Operators
# who have preloaded their domain set SECURE_HSTS_PRELOAD=true. Nothing else is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
# A strict Content Security Policy: every script and stylesheet is served by us; no inline code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "connector.api.authentication.SecretServerBearerAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["connector.access.IsConnectorStaffReadOnly"],
    # Hostile JSON (deep nesting, 1e999999, lone surrogates, NUL, huge bodies) is a 400/413, never a 500.
    "DEFAULT_PARSER_CLASSES": ["connector.api.parsers.SafeJSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "connector.api.errors.connector_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SCIM Connector for Secret Server",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Secret Server -----------------------------------------------------------------------
# Where the connector's Secret Server lives, and how patiently we talk to it.
SECRET_SERVER_URL = env.str("SECRET_SERVER_URL", default="")
# The only Secret Servers setup may point the connector at: SECRET_SERVER_URL plus this list (comma-separated).
# A person on the setup page can never choose another host (no repointing, no probing the network).
SECRET_SERVER_ALLOWED_URLS = env.list("SECRET_SERVER_ALLOWED_URLS", default=[])
SECRET_SERVER_ALLOW_HTTP = env.bool("SECRET_SERVER_ALLOW_HTTP", default=False)
SECRET_SERVER_VERIFY_TLS = env.bool("SECRET_SERVER_VERIFY_TLS", default=True)
SECRET_SERVER_TIMEOUT = env.float("SECRET_SERVER_TIMEOUT", default=10.0)  # total deadline per call, seconds
SECRET_SERVER_MAX_RESPONSE_BYTES = env.int("SECRET_SERVER_MAX_RESPONSE_BYTES", default=10 * 1024 * 1024)
SECRET_SERVER_RETRIES = env.int("SECRET_SERVER_RETRIES", default=2)  # extra tries, idempotent reads only
# After a write that timed out or failed ambiguously (5xx, garbage), how long to keep re-reading to learn
# whether it landed after all (connector/services/reconcile.py).
SECRET_SERVER_WRITE_RECONCILE_SECONDS = env.float("SECRET_SERVER_WRITE_RECONCILE_SECONDS", default=10.0)
CONNECTOR_HOSTNAME = env.str("CONNECTOR_HOSTNAME", default=socket.gethostname())

# Keys kept outside the database: the audit chain's HMAC key and the key that encrypts the
# application account's password in the bootstrap record. Derived from SECRET_KEY when unset.
AUDIT_HMAC_KEY = env.str("AUDIT_HMAC_KEY", default="")
CONNECTOR_ENCRYPTION_KEY = env.str("CONNECTOR_ENCRYPTION_KEY", default="")

# The audit anchor (connector/services/audit_anchor.py) is published soon after every audited action, at most
# one Secret Server write per AUDIT_ANCHOR_DEBOUNCE_SECONDS across all workers, besides the hourly job.
AUDIT_ANCHOR_ON_ACTION = env.bool("AUDIT_ANCHOR_ON_ACTION", default=True)
AUDIT_ANCHOR_DEBOUNCE_SECONDS = env.float("AUDIT_ANCHOR_DEBOUNCE_SECONDS", default=5.0)

# The log files (connector/logfiles.py): one JSON line per audit event, a new file every hour/day/week
# (the "Log frequency" setting), old files kept. A second copy of the audit trail for a SIEM; "" = off.
CONNECTOR_LOG_DIR = env.str("CONNECTOR_LOG_DIR", default=str(BASE_DIR / "var" / "log"))

# --- The SCIM 2.0 service (scim/) -------------------------------------------------------------------
# Bulk limits, Error Threshold and "SCIM Connector Disabled" come from the configuration in Secret Server.
SCIM_MAX_RESULTS = env.int("SCIM_MAX_RESULTS", default=1000)  # filter.maxResults: largest page served
SCIM_MAX_BODY_BYTES = env.int("SCIM_MAX_BODY_BYTES", default=262144)  # every non-bulk request body
SCIM_CACHE_SECONDS = env.int("SCIM_CACHE_SECONDS", default=30)  # per-endpoint user/group lists (scim/services/cache.py)
SCIM_AUTH_FAILURES_PER_MINUTE = env.int("SCIM_AUTH_FAILURES_PER_MINUTE", default=30)  # per client address, then 429
SCIM_EXPOSE_SS_CALLS = env.bool("SCIM_EXPOSE_SS_CALLS", default=False)
SCIM_REQUEST_LOG_ASYNC = env.bool("SCIM_REQUEST_LOG_ASYNC", default=True)  # request log rows written in batches
SCIM_BOOTSTRAP_CACHE_SECONDS = env.int("SCIM_BOOTSTRAP_CACHE_SECONDS", default=10)  # per-process copy of the setup row  # X-Secret-Server-Calls header (benchmarks)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "filters": {"request_id": {"()": "scimsite.middleware.RequestIdLogFilter"},
                "refused_access_one_line": {"()": "scimsite.logging_filters.RefusedAccessOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["request_id", "refused_access_one_line"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own console handler (DEBUG only) would print every django.request record a second time.
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False},
                # runserver's per-request lines; `make demo` sets ERROR (django.request still logs refusals).
                "django.server": {"handlers": ["console"], "level": env.str("RUNSERVER_LOG_LEVEL", default="INFO"),
                                  "propagate": False}},
}
