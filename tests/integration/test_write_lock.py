"""Saves that arrive while another administrator's save holds the write lock: nothing is read or written.

(The lock itself, and that two writers run one after the other, is in tests/unit/locks/.)
"""
import pytest
from django.core.cache import cache

from connector.services import locks
from tests.integration.settings.conftest import configure_connector
from tests.helpers import sign_in_as

pytestmark = pytest.mark.django_db
WRITES = {"PUT", "POST", "PATCH", "DELETE"}


@pytest.fixture
def lock_held_elsewhere(monkeypatch):
    monkeypatch.setattr(locks, "WRITE_LOCK_WAIT_SECONDS", 0.2)
    cache.add(locks.WRITE_LOCK_KEY, "another-worker", 60)
    yield
    cache.delete(locks.WRITE_LOCK_KEY)


def _secret_writes(ss):
    return [r for r in ss.requests if r.method in WRITES and "/api/v1/secrets" in r.path.lower()]


def test_a_settings_save_waits_for_the_lock_and_then_says_try_again(client, ss, lock_held_elsewhere):
    configure_connector(ss)
    sign_in_as(client, "admin", "administrator")
    ss.clear_requests()
    response = client.patch("/api/connector/settings/", {"revision": 1, "error_threshold": 7},
                            content_type="application/json")
    assert response.status_code == 409 and response["Retry-After"] == "1"
    assert locks.BUSY_MESSAGE in response.json()["detail"]
    assert _secret_writes(ss) == []


def test_an_endpoint_save_gets_409_with_retry_after_and_writes_nothing(client, ss, lock_held_elsewhere):
    configure_connector(ss)
    sign_in_as(client, "admin", "administrator")
    ss.clear_requests()
    response = client.post("/api/connector/endpoints/", {
        "name": "Okta", "url": "https://idp.example.test/scim/v2", "username": "okta", "password": "Pw-okta-1"},
        content_type="application/json")
    assert response.status_code == 409 and response["Retry-After"] == "1"
    assert response.json()["detail"] == locks.BUSY_MESSAGE
    assert _secret_writes(ss) == []
