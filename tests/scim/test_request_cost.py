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


def test_an_endpoint_deactivated_by_the_light_refresh_refuses_its_token_at_once(scim, endpoint, ss_app):
    from connector.services.endpoints import endpoint_refresh_changed

    assert scim.get(LOOKUP).status_code == 200
    ss_app.delete_secret(endpoint.endpoint.ss_secret_id)
    assert endpoint_refresh_changed()["deactivated"] == 1
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
    # Only the request log row (written at once under the test settings; production queues it for a background
    # writer): the token is remembered, the setup row kept, the user and its extras come with the cached list.
    with django_assert_num_queries(1):
        response = scim.get("/v2/Users?filter=" + quote('userName eq "carol"'))
    assert response.status_code == 200 and response.json_body["totalResults"] == 1
    assert ss_calls(ss) == []


def test_request_log_reads_the_log_frequency_once_per_batch_and_not_at_all_without_files(db, settings, tmp_path,
                                                                                         monkeypatch):
    from django.utils import timezone

    from scim.services import requestlog

    reads = []
    monkeypatch.setattr(requestlog, "log_frequency_known", lambda: reads.append(1) or "daily")
    rows = [dict(time=timezone.now(), endpoint_secret_id=None, endpoint_name="", client_ip=None, request_id="",
                 method="GET", path=f"/v2/Users?n={n}", status=200, scim_type="", detail="", duration_ms=1,
                 ss_calls=0) for n in range(3)]
    settings.CONNECTOR_LOG_DIR = ""
    requestlog._write(rows)
    assert reads == []
    settings.CONNECTOR_LOG_DIR = str(tmp_path)
    requestlog._write(rows)
    assert reads == [1]
    assert sum(len(p.read_text().splitlines()) for p in tmp_path.rglob("*") if p.is_file()) == 3


def test_publishing_in_place_gives_what_the_library_gives():
    """ConnectorScimService.publish (no deep copy, reference plan kept per model) against the library's own."""
    from scim2_server.service import ScimService

    from scim.provider import scim_provider
    from scim.service import ConnectorScimService

    provider = scim_provider(10, 1000, 100)
    ours, library = ConnectorScimService(provider), ScimService(provider)
    base = "https://connector.example/v2"
    for endpoint, payload in (
            ("Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "7", "displayName": "Eng",
                        "members": [{"value": "5", "$ref": "Users/5", "display": "Bob"},
                                    {"value": "6", "$ref": "https://elsewhere.example/v2/Users/6"}],
                        "meta": {"resourceType": "Group", "version": 'W/"1"'}}),
            ("Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "5", "userName": "bob",
                       "groups": [{"value": "7", "$ref": "Groups/7"}],
                       "meta": {"resourceType": "User", "version": 'W/"2"'}})):
        model = provider.model_for(ours.get_resource_type_by_endpoint(endpoint))
        expected = library.publish(base, model.model_validate(payload)).model_dump()
        resource = model.model_validate(payload)
        published = ours.publish(base, resource)
        assert published.model_dump() == expected
        assert ours.publish(base, published).model_dump() == expected  # twice: the same
    assert expected["groups"][0]["$ref"] == f"{base}/Groups/7"
