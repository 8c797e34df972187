"""Authentication, throttling, disabled connector, body limits, Bulk, discovery and error bodies."""
import json
from datetime import timedelta

from django.utils import timezone

from connector.models import AuditEvent, EndpointMirror
from scim.models import ScimRequestLog
from tests.scim.conftest import GROUP_SCHEMA, USER_SCHEMA, ScimClient

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"


def assert_scim_error(response, status, scim_type=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/scim+json"
    body = response.json_body
    assert body["schemas"] == [ERROR] and body["status"] == str(status)
    if scim_type:
        assert body["scimType"] == scim_type
    return body


# --- authentication -------------------------------------------------------------------------------------
def test_missing_or_bad_token_is_401_with_bearer_challenge(scim):
    for token in (None, "nope", "scim_aaaaaaaa_" + "A" * 32 + "_AAAAAA"):
        response = scim.get("/v2/Users", token=token)
        assert_scim_error(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_service_provider_config_needs_no_token(scim):
    response = scim.get("/v2/ServiceProviderConfig", token=None)
    assert response.status_code == 200 and response["Content-Type"] == "application/scim+json"


def test_token_past_its_lifetime_is_refused(scim, endpoint):
    EndpointMirror.objects.filter(ss_secret_id=endpoint.endpoint.ss_secret_id).update(
        token_expires_at=timezone.now() - timedelta(seconds=1))
    assert_scim_error(scim.get("/v2/Users"), 401)


def test_failed_token_checks_are_throttled_per_address_and_aggregated(scim, settings):
    settings.SCIM_AUTH_FAILURES_PER_MINUTE = 12
    statuses = [scim.get("/v2/Users", token=f"bad-{n % 3}").status_code for n in range(20)]
    assert statuses[:12] == [401] * 12 and set(statuses[12:]) == {429}
    throttled = scim.get("/v2/Users", token="bad-0")
    assert_scim_error(throttled, 429)
    assert int(throttled["Retry-After"]) > 0
    assert scim.get("/v2/Users").status_code == 429  # the address, not the token, is throttled
    rows = AuditEvent.objects.filter(action="scim.auth.failed")
    assert rows.count() == 2  # the 1st and the 10th failure, not one row per request
    assert "10 failed SCIM token check(s)" in rows.order_by("-seq").first().message


def test_disabled_connector_answers_503_never_401(scim, set_settings):
    set_settings(connector_disabled=True)
    for token in ("default", None, "bad"):
        response = scim.get("/v2/Users", token=token)
        assert_scim_error(response, 503)
        assert int(response["Retry-After"]) > 0
    set_settings(connector_disabled=False)
    assert scim.get("/v2/Users").status_code == 200


def test_not_configured_is_503(db, settings):
    response = ScimClient("whatever").get("/v2/Users")
    assert_scim_error(response, 503)


def test_scim_paths_skip_csrf_sessions_and_the_setup_redirect(scim):
    response = scim.post("/v2/Users", {"schemas": [USER_SCHEMA], "userName": "csrf@corp.local"})
    assert response.status_code == 201  # CSRF enforced by the test client, yet no token needed
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


# --- error bodies -------------------------------------------------------------------------------------------
def test_error_bodies_are_scim_everywhere(scim):
    assert_scim_error(scim.get("/v2/Nope"), 404)
    assert_scim_error(scim.request("PUT", "/v2/Users", {}), 405)
    assert_scim_error(scim.post("/v2/Users", raw=b"{not json"), 400, "invalidSyntax")
    assert_scim_error(scim.post("/v2/Users", {"schemas": [USER_SCHEMA]}), 400)
    assert_scim_error(scim.post("/v2/Users", raw=b"x", content_type="text/plain"), 415)
    assert_scim_error(scim.get("/v2/Users?filter=" + "userName%20eq"), 400, "invalidFilter")


def test_unexpected_failure_is_a_500_scim_error_without_traceback(scim, monkeypatch):
    from scim.services import users

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")
    monkeypatch.setattr(users.UserStore, "search", boom)
    body = assert_scim_error(scim.get("/v2/Users"), 500)
    assert "secret internals" not in json.dumps(body) and "Traceback" not in json.dumps(body)


def test_every_non_bulk_body_is_capped(scim, settings):
    settings.SCIM_MAX_BODY_BYTES = 200
    body = assert_scim_error(scim.post("/v2/Users", {"schemas": [USER_SCHEMA], "userName": "x" * 300}), 413)
    assert "200 bytes" in body["detail"]


def test_requests_are_logged_with_endpoint_status_duration_and_calls(scim):
    scim.get("/v2/Users/999999")
    row = ScimRequestLog.objects.order_by("-id").first()
    assert (row.method, row.path, row.status, row.endpoint_name) == ("GET", "/v2/Users/999999", 404,
                                                                     "Okta production")
    assert row.ss_calls >= 1 and row.duration_ms >= 0 and row.failed


def test_requests_reach_the_event_log_file(scim, settings, tmp_path):
    settings.CONNECTOR_LOG_DIR = str(tmp_path)
    scim.get("/v2/Users?count=1")
    lines = [json.loads(line) for f in tmp_path.iterdir() for line in f.read_text().splitlines()]
    scim_lines = [line for line in lines if line.get("kind") == "scim_request"]
    assert scim_lines and scim_lines[-1]["status"] == 200 and scim_lines[-1]["path"] == "/v2/Users?count=1"
    assert scim.token not in json.dumps(lines)


# --- discovery ----------------------------------------------------------------------------------------------
def test_discovery_is_truthful(scim, set_settings):
    set_settings(bulk_max_operations=50, bulk_max_payload=4096)
    config = scim.get("/v2/ServiceProviderConfig").json_body
    assert config["bulk"] == {"supported": True, "maxOperations": 50, "maxPayloadSize": 4096}
    assert config["patch"]["supported"] and config["sort"]["supported"] and config["etag"]["supported"]
    assert config["changePassword"]["supported"] is True  # PATCH password sets it in Secret Server
    assert config["filter"] == {"supported": True, "maxResults": 1000}
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    types = scim.get("/v2/ResourceTypes").json_body
    assert {"Group", "User"} <= {t["id"] for t in types["Resources"]}  # issue 12 adds the PAM types
    assert scim.get("/v2/ResourceTypes/User").json_body["endpoint"] == "/Users"
    user_schema = scim.get("/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User").json_body
    user_name = next(a for a in user_schema["attributes"] if a["name"] == "userName")
    assert user_name["mutability"] == "immutable" and user_name["uniqueness"] == "server"
    schemas = {s["id"] for s in scim.get("/v2/Schemas").json_body["Resources"]}
    assert {"urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:core:2.0:Group",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"} <= schemas


# --- Bulk -----------------------------------------------------------------------------------------------------
def bulk(operations, **extra):
    return {"schemas": [BULK_REQUEST], "Operations": operations, **extra}


def test_bulk_with_bulk_id_references(scim, ss_admin):
    response = scim.post("/v2/Bulk", bulk([
        {"method": "POST", "path": "/Users", "bulkId": "u1", "data": {"schemas": [USER_SCHEMA], "userName": "bulk1@corp.local"}},
        {"method": "POST", "path": "/Groups", "bulkId": "g1", "data": {
            "schemas": [GROUP_SCHEMA], "displayName": "Bulk Team", "members": [{"value": "bulkId:u1"}]}},
    ]))
    assert response.status_code == 200, response.json_body
    statuses = [op["status"] for op in response.json_body["Operations"]]
    assert statuses == ["201", "201"]
    group_id = int(response.json_body["Operations"][1]["location"].rsplit("/", 1)[1])
    assert [m.user_name for m in ss_admin.group_users(group_id)] == ["bulk1@corp.local"]


def test_bulk_fail_on_errors_stops(scim):
    response = scim.post("/v2/Bulk", bulk([
        {"method": "POST", "path": "/Users", "bulkId": "a", "data": {"schemas": [USER_SCHEMA], "userName": "alice"}},
        {"method": "POST", "path": "/Users", "bulkId": "b", "data": {"schemas": [USER_SCHEMA], "userName": "x1@corp.local"}},
    ], failOnErrors=1))
    assert [op["status"] for op in response.json_body["Operations"]] == ["409"]


def test_bulk_max_operations_from_the_settings_before_parsing(scim, set_settings):
    set_settings(bulk_max_operations=2)
    operations = [{"method": "POST", "path": "/Users", "data": {"garbage": True}}] * 3
    body = assert_scim_error(scim.post("/v2/Bulk", bulk(operations)), 413)
    assert body["detail"] == "The size of the bulk operation exceeds the maxOperation (2)."


def test_bulk_max_payload_from_the_settings_before_reading(scim, set_settings):
    set_settings(bulk_max_payload=300)
    payload = bulk([{"method": "POST", "path": "/Users", "data": {"schemas": [USER_SCHEMA], "userName": "y" * 400}}])
    body = assert_scim_error(scim.post("/v2/Bulk", payload), 413)
    assert body["detail"] == "The size of the bulk operation exceeds the maxPayloadSize (300)."
    assert_scim_error(scim.post("/v2/Bulk", raw=b"{" + b" " * 400), 413)  # not even JSON: refused by size first


def test_unknown_host_is_a_scim_400_not_a_500(scim):
    response = scim.get("/v2/Users", headers={"Host": "evil.example"})
    assert_scim_error(response, 400)
