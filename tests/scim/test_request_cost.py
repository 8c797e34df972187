"""What one SCIM request costs, pinned: database queries, and token checks remembered without ever
accepting a revoked token (connector/services/endpoint_tokens.py: ``endpoint_token_verify_cached``)."""
from datetime import timedelta
from urllib.parse import quote

from django.core.cache import cache

from connector.models import EndpointMirror
from connector.services.endpoint_tokens import tokens_version_key
from connector.services.endpoints import endpoint_delete, endpoint_sync, endpoint_token_regenerate
from tests.scim.conftest import ss_calls

LOOKUP = "/v2/Users?filter=" + quote('userName eq "bob"')


def test_a_revoked_token_is_refused_on_its_very_next_use(scim, endpoint):
    assert scim.get(LOOKUP).status_code == 200  # verified, and remembered by this process
    fresh = endpoint_token_regenerate(endpoint.endpoint.ss_secret_id)
    assert scim.get(LOOKUP).status_code == 401  # not once more
    assert scim.get(LOOKUP, token=fresh.token.value).status_code == 200


def test_a_deleted_endpoint_token_is_refused_on_its_very_next_use(scim, endpoint):
    assert scim.get(LOOKUP).status_code == 200
    endpoint_delete(endpoint.endpoint.ss_secret_id)
    assert scim.get(LOOKUP).status_code == 401


def test_an_endpoint_deactivated_by_a_sync_refuses_its_token_at_once(scim, endpoint, ss_app):
    assert scim.get(LOOKUP).status_code == 200
    ss_app.delete_secret(endpoint.endpoint.ss_secret_id)  # deleted in Secret Server directly
    assert endpoint_sync()["deactivated"] == 1
    assert scim.get(LOOKUP).status_code == 401


def test_another_workers_change_reaches_this_process_through_the_shared_version(scim, endpoint):
    """Another worker's write changes the mirror row and the shared version only; this process's memory
    of the token must yield to the version, not to a local signal."""
    assert scim.get(LOOKUP).status_code == 200
    EndpointMirror.objects.filter(ss_secret_id=endpoint.endpoint.ss_secret_id).update(
        active=False, token_hash="", token_id=None)  # what endpoint_delete does, seen from another process
    cache.set(tokens_version_key(), "bumped-by-another-worker", None)
    assert scim.get(LOOKUP).status_code == 401


def test_an_expired_token_is_refused_even_when_remembered(scim, endpoint, monkeypatch):
    import connector.services.endpoint_tokens as endpoint_tokens

    assert scim.get(LOOKUP).status_code == 200
    expires = EndpointMirror.objects.get(ss_secret_id=endpoint.endpoint.ss_secret_id).token_expires_at
    monkeypatch.setattr(endpoint_tokens.timezone, "now", lambda: expires + timedelta(seconds=1))
    assert scim.get(LOOKUP).status_code == 401


def test_a_warm_lookup_costs_no_secret_server_call_and_pinned_queries(scim, ss, settings,
                                                                      django_assert_num_queries):
    settings.SCIM_BOOTSTRAP_CACHE_SECONDS = 10  # production keeps the setup row per process
    assert scim.get(LOOKUP).status_code == 200  # token verified, the user list loaded, settings cached
    ss.clear_requests()
    # 1: the extras of the matched user; 1: the request log row (written at once under the test settings;
    # production queues it for a background writer).
    with django_assert_num_queries(2):
        response = scim.get("/v2/Users?filter=" + quote('userName eq "carol"'))
    assert response.status_code == 200 and response.json_body["totalResults"] == 1
    assert ss_calls(ss) == []
