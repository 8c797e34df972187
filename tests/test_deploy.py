"""Deployment hygiene: the API docs load nothing from the internet; the schema describes our auth."""
import re

import pytest


@pytest.mark.django_db
def test_the_api_docs_serve_swagger_ui_locally(client):
    body = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in body
    assert not re.search(r"""(src|href)=["']https?://""", body), "assets must be served locally, not from a CDN"


@pytest.mark.django_db
def test_the_schema_describes_the_secret_server_bearer_scheme(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    scheme = schema["components"]["securitySchemes"]["SecretServerBearer"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer"}
    assert "/api/connector/endpoints/" in schema["paths"]


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def _manage(*args, env_extra=None, umask=0o022):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SECRET_KEY": "k" * 64, **(env_extra or {})}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300, preexec_fn=lambda: os.umask(umask))


def test_the_sqlite_database_and_its_directory_are_created_private(tmp_path):
    import stat

    db = tmp_path / "var" / "db.sqlite3"
    result = _manage("migrate", "-v", "0", env_extra={"DATABASE_URL": f"sqlite:///{db}"})
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert db.stat().st_size > 0  # migrated: SQLite kept the file we created


def test_an_existing_world_readable_database_is_tightened(tmp_path):
    import stat

    db = tmp_path / "db.sqlite3"
    db.touch(mode=0o644)
    db.chmod(0o644)
    assert _manage("check", env_extra={"DATABASE_URL": f"sqlite:///{db}"}).returncode == 0
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


PRODUCTION_ENV = {"SECRET_KEY": "p4Q-9zX!vT2#mL7@wR5$kN8^jH3&bF6*cD1(eG0)aS4+uY", "ALLOWED_HOSTS": "scim.example.com",
                  "CSRF_TRUSTED_ORIGINS": "https://scim.example.com"}


def test_the_deploy_check_passes_at_warning_level_with_production_settings(tmp_path):
    env = {**PRODUCTION_ENV, "SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"] * 2,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra=env)
    assert result.returncode == 0, result.stderr
    assert "W021" not in result.stdout + result.stderr


def test_only_the_hsts_preload_warning_is_silenced():
    from django.conf import settings

    assert settings.SILENCED_SYSTEM_CHECKS == ["security.W021"]
