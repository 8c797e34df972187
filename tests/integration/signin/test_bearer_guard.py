"""Random bearer tokens: throttled per address, refusals cached briefly, refusals aggregated in the audit."""
import hashlib
import secrets

import pytest
from rest_framework.test import APIClient

from connector.models import AuditEvent
from connector.secretserver import SecretServerClient
from tests.conftest import DEMO_PASSWORDS

pytestmark = pytest.mark.django_db(transaction=True)


def bearer_calls(ss):
    """Calls Secret Server received with a bearer token that is not the application account's."""
    return [r for r in ss.requests if r.path.lower().startswith("/api/v1/users/current")]


def api_from(address, token):
    api = APIClient(REMOTE_ADDR=address)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def test_a_hundred_random_tokens_cost_at_most_ten_calls_and_a_few_audit_rows(ss, connector):
    statuses = [api_from("192.0.2.10", secrets.token_urlsafe(24)).get("/api/access-requests/").status_code
                for _ in range(100)]
    assert statuses.count(401) == 10 and statuses.count(429) == 90
    assert len(bearer_calls(ss)) == 10
    rows = AuditEvent.objects.filter(action="auth.bearer")
    assert rows.count() == 2  # the window's first refusal, and the throttle tripping with its count
    tripped = rows.get(outcome="denied")
    assert tripped.after["refusals"] == 10 and "192.0.2.10" in tripped.message


def test_the_throttle_is_per_address(ss, connector):
    for _ in range(12):
        api_from("192.0.2.20", secrets.token_urlsafe(24)).get("/api/access-requests/")
    other = api_from("192.0.2.21", secrets.token_urlsafe(24)).get("/api/access-requests/")
    assert other.status_code == 401


def test_a_valid_token_does_not_use_up_the_address(ss, connector):
    from django.core.cache import cache

    token = SecretServerClient(ss.url).password_grant("carol", DEMO_PASSWORDS["carol"]).access_token
    for _ in range(15):  # each check of a good token gives its slot back
        cache.delete("bearer:" + hashlib.sha256(token.encode()).hexdigest())  # force a fresh check
        assert api_from("192.0.2.30", token).get("/api/access-requests/").status_code == 200
    for _ in range(9):
        api_from("192.0.2.30", secrets.token_urlsafe(24)).get("/api/access-requests/")
    assert api_from("192.0.2.30", secrets.token_urlsafe(24)).get("/api/access-requests/").status_code == 401


def test_the_same_refused_token_is_asked_once(ss, connector):
    api = api_from("192.0.2.40", "not-a-real-token")
    assert [api.get("/api/access-requests/").status_code for _ in range(5)] == [401] * 5
    assert len(bearer_calls(ss)) == 1
    assert AuditEvent.objects.filter(action="auth.bearer").count() == 1


def test_throttled_requests_are_carried_onto_the_next_window_row(ss, connector, settings, monkeypatch):
    import connector.services.bearer_guard as guard

    clock = [1_000_000.0]
    monkeypatch.setattr(guard.time, "time", lambda: clock[0])
    for _ in range(15):
        api_from("192.0.2.50", secrets.token_urlsafe(24)).get("/api/access-requests/")
    clock[0] += settings.BEARER_REFUSAL_WINDOW_SECONDS
    response = api_from("192.0.2.50", secrets.token_urlsafe(24)).get("/api/access-requests/")
    assert response.status_code == 401  # a new window: asked again
    latest = AuditEvent.objects.filter(action="auth.bearer").order_by("-seq").first()
    assert latest.after["earlier_unaudited"] == 5  # the five turned away with 429 in the previous window
