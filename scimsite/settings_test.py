"""Test settings: the real settings with a fixed key and fast hashing. DATABASE_URL/CACHE_URL still apply."""
import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghijklmnop")
os.environ.setdefault("AUDIT_HMAC_KEY", "test-audit-hmac-key")
os.environ.setdefault("CONNECTOR_ENCRYPTION_KEY", "test-connector-encryption-key")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")  # the test client and live server speak http
os.environ.setdefault("CONNECTOR_HOSTNAME", "testhost")
os.environ.setdefault("CONNECTOR_LOG_DIR", "")  # no log files from the suite; tests that want them use tmp_path

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
