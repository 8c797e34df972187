"""System check connector.E001: a process-local cache with several workers would let the lockout count per worker."""
import subprocess
import sys
from pathlib import Path

from connector.checks import check_shared_cache_for_workers

ROOT = Path(__file__).resolve().parents[3]
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1/0"}}


def test_locmem_with_web_concurrency_above_one_is_an_error(settings, monkeypatch):
    settings.CACHES = LOCMEM
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    errors = check_shared_cache_for_workers()
    assert [e.id for e in errors] == ["connector.E001"]
    assert "4 workers" in errors[0].msg


def test_locmem_with_the_workers_setting_above_one_is_an_error(settings, monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    settings.CACHES, settings.CONNECTOR_WORKERS = LOCMEM, 2
    assert [e.id for e in check_shared_cache_for_workers()] == ["connector.E001"]


def test_one_worker_or_a_shared_cache_is_fine(settings, monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    settings.CACHES, settings.CONNECTOR_WORKERS = LOCMEM, 1
    assert check_shared_cache_for_workers() == []
    monkeypatch.setenv("WEB_CONCURRENCY", "8")
    settings.CACHES = REDIS
    assert check_shared_cache_for_workers() == []


def test_manage_py_check_fails_with_locmem_and_four_workers():
    env = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 60, "WEB_CONCURRENCY": "4",
           "CACHE_URL": "locmemcache://x", "DJANGO_SETTINGS_MODULE": "scimsite.settings"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "connector.E001" in result.stderr
