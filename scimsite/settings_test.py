"""Test settings: the real settings with a fixed key and fast hashing. DATABASE_URL/CACHE_URL still apply."""
import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghijklmnop")
os.environ.setdefault("AUDIT_HMAC_KEY", "test-audit-hmac-key")
os.environ.setdefault("CONNECTOR_ENCRYPTION_KEY", "test-connector-encryption-key")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")  # the test client and live server speak http
os.environ.setdefault("CONNECTOR_HOSTNAME", "testhost")
os.environ.setdefault("CONNECTOR_LOG_DIR", "")
os.environ.setdefault("SCIM_REQUEST_LOG_ASYNC", "false")  # SCIM request log rows written at once (no thread)
os.environ.setdefault("SCIM_BOOTSTRAP_CACHE_SECONDS", "0")  # each test builds its own setup row  # no log files from the suite; tests that want them use tmp_path

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# pytest-xdist workers must not share one Redis database: a test's cache.clear() (FLUSHDB) or a lock it
# holds would reach into another worker's tests. Worker N uses database <given> + N.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker.startswith("gw") and "redis" in CACHES["default"]["BACKEND"].lower():
    _base, _, _db = CACHES["default"]["LOCATION"].rpartition("/")
    CACHES["default"]["LOCATION"] = f"{_base}/{(int(_db or 0) + int(_xdist_worker[2:])) % 16}"
