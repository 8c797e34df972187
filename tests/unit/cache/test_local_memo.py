"""``LocalMemo`` (connector/services/local_memo.py): a few seconds' reuse of a shared-cache answer in one process,
dropped when it is older than its time or the shared cache was flushed; and the two pages that use it."""
import pytest
from django.core.cache import cache
from django.test import RequestFactory

from connector.services import local_memo
from connector.services.local_memo import MISSING, LocalMemo
from scimsite.middleware import current_request


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(local_memo.time, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def in_request():
    token = current_request.set(RequestFactory().get("/"))
    yield
    current_request.reset(token)


def _next_request():
    """A new request: the shared version tokens are read again (as connector/sessions.py does per request)."""
    current_request.set(RequestFactory().get("/"))


def test_a_value_is_reused_for_its_seconds_and_then_asked_again(clock, in_request):
    memo = LocalMemo(seconds=2)
    assert memo.get() is MISSING
    memo.put("answer")
    clock[0] += 1.9
    assert memo.get() == "answer"
    clock[0] += 0.2
    assert memo.get() is MISSING
    memo.put(None)  # "nothing to say" is an answer too
    assert memo.get() is None


def test_a_flush_of_the_shared_cache_drops_it_at_once(clock, in_request):
    memo = LocalMemo(seconds=2)
    memo.put("answer")
    _next_request()
    assert memo.get() == "answer"
    cache.clear()  # another worker (or an operator) flushed the shared cache: a new bootstrap token
    _next_request()
    assert memo.get() is MISSING


@pytest.mark.django_db
def test_the_history_page_asks_the_cache_about_the_sync_at_most_every_two_seconds(client, clock, monkeypatch,
                                                                                 settings):
    from accessrequests import views
    from connector.access import Role
    from tests.helpers import sign_in_as

    settings.CONNECTOR_SETUP_REDIRECT = False
    monkeypatch.setattr(views, "connector_is_configured", lambda: True)
    syncs = []
    monkeypatch.setattr(views, "access_request_sync", lambda: syncs.append(1))
    views._sync_state.clear()
    cache.clear()
    sign_in_as(client, "audrey", Role.AUDITOR)
    reads = []
    real_get_many = cache.get_many
    monkeypatch.setattr(views.cache, "get_many", lambda keys: (
        reads.append(list(keys)) if views.SYNC_THROTTLE_KEY in keys else None) or real_get_many(keys))
    for _ in range(3):
        assert client.get("/history/").status_code == 200
    assert syncs == [1] and reads == [[views.SYNC_THROTTLE_KEY, views.SYNC_FAILED_KEY]]
    clock[0] += 2.5
    assert client.get("/history/").status_code == 200
    assert syncs == [1] and len(reads) == 2  # asked again; still inside the 30 s window: no second sync
    cache.set(views.SYNC_FAILED_KEY, True)  # another worker's sync failed
    clock[0] += 2.5
    assert views.SYNC_UNAVAILABLE in client.get("/history/").content.decode()


@pytest.mark.django_db
def test_the_audit_page_reads_its_verification_box_from_the_cache_at_most_every_two_seconds(client, clock,
                                                                                           monkeypatch, settings):
    from connector.access import Role
    from connector.services import audit_status
    from tests.helpers import sign_in_as

    settings.CONNECTOR_SETUP_REDIRECT = False
    audit_status._trail_status.clear()
    cache.clear()
    sign_in_as(client, "audrey", Role.AUDITOR)
    reads = []
    real_get = cache.get
    monkeypatch.setattr(audit_status.cache, "get", lambda key, *a, **k: (
        reads.append(key) if key == audit_status.TRAIL_STATUS_CACHE_KEY else None) or real_get(key, *a, **k))
    for _ in range(3):
        assert client.get("/audit/").status_code == 200
    assert reads == [audit_status.TRAIL_STATUS_CACHE_KEY]
    clock[0] += 2.5
    assert client.get("/audit/").status_code == 200
    assert len(reads) == 2
