"""Classification of every failure mode into the named errors (secretserver-api.md "Decisions", §1, §8)."""
import json

import pytest
import responses

from connector.secretserver import (
    AccessDenied,
    ApprovalRequired,
    AuthenticationFailed,
    LoginFailed,
    NotFound,
    PasswordExpired,
    SecretServerError,
    Unavailable,
    UnexpectedResponse,
    ValidationFailed,
)

from ss_unit_helpers import API, TOKEN_URL, make_client

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as r:
        yield r


# ---- token endpoint ------------------------------------------------------------------------------------
def test_failed_password_grant_is_login_failed(rsps, client):
    rsps.post(TOKEN_URL, status=400, json={"error": "Login failed."})
    with pytest.raises(LoginFailed) as ei:
        client.password_grant("alice", "wrong")
    assert not isinstance(ei.value, PasswordExpired)
    assert ei.value.status == 400 and ei.value.product_message == "Login failed."
    assert ei.value.method == "POST" and ei.value.path == "/oauth2/token"


@pytest.mark.parametrize("text", ["Login failed. Your password has expired.", "PASSWORD EXPIRED"])
def test_expired_password_is_password_expired_with_product_message(rsps, client, text):
    rsps.post(TOKEN_URL, status=400, json={"error": text})
    with pytest.raises(PasswordExpired) as ei:
        client.password_grant("dave", "Dave-Passw0rd!")
    assert isinstance(ei.value, LoginFailed)
    assert ei.value.product_message == text


def test_any_4xx_from_token_endpoint_is_login_failed(rsps, client):
    rsps.post(TOKEN_URL, status=401, json={"message": "nope"})
    with pytest.raises(LoginFailed):
        client.password_grant("alice", "x")


@pytest.mark.parametrize("body,content_type", [
    ("<html><body>Login</body></html>", "text/html"),
    ('{"access_token": "trunc', "application/json"),
    ("", "application/json"),
])
def test_200_without_a_json_token_is_unexpected_not_a_refused_password(rsps, client, body, content_type):
    rsps.post(TOKEN_URL, status=200, body=body, content_type=content_type)
    with pytest.raises(UnexpectedResponse) as ei:
        client.password_grant("alice", "x")
    assert not isinstance(ei.value, LoginFailed)


def test_200_json_without_access_token_is_unexpected(rsps, client):
    rsps.post(TOKEN_URL, status=200, json={"token_type": "bearer"})
    with pytest.raises(UnexpectedResponse):
        client.password_grant("alice", "x")


def test_4xx_html_from_token_endpoint_is_not_a_refusal(rsps, client):
    rsps.post(TOKEN_URL, status=400, body="<html>Bad Request</html>", content_type="text/html")
    with pytest.raises(UnexpectedResponse):
        client.password_grant("alice", "x")


def test_token_endpoint_5xx_is_unavailable_and_never_retried(rsps):
    c = make_client(retries=5)
    rsps.post(TOKEN_URL, status=503, json={"message": "down"})
    with pytest.raises(Unavailable):
        c.password_grant("alice", "x")
    assert len(rsps.calls) == 1


def test_password_grant_success_sends_form_and_parses(rsps, client):
    rsps.post(TOKEN_URL, json={"access_token": "AT-1", "token_type": "bearer", "expires_in": 1199,
                               "refresh_token": "RT-1"})
    grant = client.password_grant("alice", "Alice-Passw0rd!", domain="local")
    assert grant.access_token == "AT-1" and grant.refresh_token == "RT-1" and grant.expires_in == 1199
    body = rsps.calls[0].request.body
    assert "grant_type=password" in body and "username=alice" in body and "domain=local" in body
    assert rsps.calls[0].request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in rsps.calls[0].request.headers


def test_domain_is_omitted_when_not_given(rsps, client):
    rsps.post(TOKEN_URL, json={"access_token": "AT-1", "expires_in": 10})
    client.password_grant("alice", "pw")
    assert "domain" not in rsps.calls[0].request.body


# ---- API errors: by errorCode first ---------------------------------------------------------------------
@pytest.mark.parametrize("status,body,cls", [
    (400, {"errorCode": "API_AccessDenied", "message": "Access Denied"}, AccessDenied),
    (403, {"errorCode": "API_AccessDenied", "message": "Access Denied"}, AccessDenied),
    (500, {"errorCode": "API_AccessDenied", "message": "Access Denied"}, AccessDenied),
    (400, {"errorCode": "API_ValidateSecretAccessApprovalRequired", "message": "The requested Secret requires approval."},
     ApprovalRequired),
    (400, {"ErrorCode": "API_SecretApprovalRequired", "Message": "x"}, ApprovalRequired),
    (403, {"message": "Authentication failed."}, AuthenticationFailed),
    (401, {"message": "Authentication failed."}, AuthenticationFailed),
    (404, {"message": "Not found"}, NotFound),
    (400, {"errorCode": "API_SecretNotFound", "message": "x"}, NotFound),
    (400, {"message": "The request is invalid.", "modelState": {"args.expirationDate": ["required"]}},
     ValidationFailed),
    (500, {"message": "boom", "exceptionMessage": "x", "stackTrace": "at Foo"}, Unavailable),
    (502, {"message": "bad gateway"}, Unavailable),
    (503, {"message": "maintenance"}, Unavailable),
    (429, {"message": "slow down"}, Unavailable),
    (400, {"message": "something else"}, SecretServerError),
])
def test_api_error_classification(rsps, status, body, cls):
    c = make_client(retries=0)
    rsps.get(API + "/secrets/7", status=status, json=body)
    with pytest.raises(cls) as ei:
        c.get_secret(7)
    assert type(ei.value) is cls
    assert ei.value.status == status and ei.value.method == "GET" and ei.value.path == "/api/v1/secrets/7"


def test_access_denied_is_not_approval_required_and_approval_is_access_denied(rsps):
    assert issubclass(ApprovalRequired, AccessDenied)
    assert not issubclass(AccessDenied, ApprovalRequired)


def test_validation_failed_exposes_field_errors(rsps, client):
    rsps.put(API + "/secret-access-requests", status=400, json={
        "message": "The request is invalid.", "modelState": {"args.expirationDate": ["Required"], "status": "bad"}})
    with pytest.raises(ValidationFailed) as ei:
        client.update_access_request(3, "Approved")
    assert ei.value.field_errors == {"args.expirationDate": ("Required",), "status": ("bad",)}


def test_403_on_a_person_token_is_authentication_failed_without_retry(rsps, client):
    rsps.get(API + "/users/current", status=403, json={"message": "Authentication failed."})
    with pytest.raises(AuthenticationFailed):
        client.current_user()
    assert len(rsps.calls) == 1


def test_html_500_is_unavailable(rsps):
    c = make_client(retries=0)
    rsps.get(API + "/secrets/1", status=500, body="<html>IIS error</html>", content_type="text/html")
    with pytest.raises(Unavailable):
        c.get_secret(1)


def test_html_400_is_unexpected(rsps, client):
    rsps.get(API + "/secrets/1", status=400, body="<html>bad</html>", content_type="text/html")
    with pytest.raises(UnexpectedResponse):
        client.get_secret(1)


def test_redirect_is_not_followed(rsps, client):
    rsps.get(API + "/secrets/1", status=302, headers={"Location": "https://evil.test/"})
    with pytest.raises(UnexpectedResponse):
        client.get_secret(1)
    assert len(rsps.calls) == 1


# ---- unusable 2xx answers ----------------------------------------------------------------------------
def test_200_html_is_unexpected(rsps, client):
    rsps.get(API + "/users/current", body="<!DOCTYPE html><html></html>", content_type="text/html")
    with pytest.raises(UnexpectedResponse, match="HTML"):
        client.current_user()


def test_wrong_content_type_is_unexpected(rsps, client):
    rsps.get(API + "/users/current", body='{"id": 1}', content_type="application/octet-stream")
    with pytest.raises(UnexpectedResponse, match="content type"):
        client.current_user()


def test_invalid_json_is_unexpected(rsps, client):
    rsps.get(API + "/users/current", body='{"id": 1,', content_type="application/json")
    with pytest.raises(UnexpectedResponse, match="Invalid JSON"):
        client.current_user()


@pytest.mark.parametrize("payload", [[1, 2], "text", {"userName": "no id"}, {"id": "abc"}, None])
def test_wrong_json_shape_is_unexpected(rsps, client, payload):
    rsps.get(API + "/users/current", body=json.dumps(payload), content_type="application/json")
    with pytest.raises(UnexpectedResponse):
        client.current_user()


def test_empty_body_is_unexpected(rsps, client):
    rsps.get(API + "/users/current", body="", content_type="application/json")
    with pytest.raises(UnexpectedResponse):
        client.current_user()


def test_oversize_by_content_length_is_unexpected(rsps):
    c = make_client(max_bytes=1000)
    rsps.get(API + "/users/current", body=json.dumps({"id": 1, "x": "y" * 5000}), content_type="application/json")
    with pytest.raises(UnexpectedResponse, match="larger"):
        c.current_user()


def test_oversize_without_content_length_is_cut_at_the_cap(fault_server):
    srv = fault_server("huge_chunked")
    c = make_client(srv.url, max_bytes=100_000)
    with pytest.raises(UnexpectedResponse, match="larger"):
        c.current_user()


def test_paging_envelope_without_records_is_unexpected(rsps, client):
    rsps.get(API + "/users", json={"success": True, "hasNext": False})
    with pytest.raises(UnexpectedResponse):
        client.search_users()


def test_errors_are_picklable_and_keep_their_fields():
    import pickle

    err = ValidationFailed("bad", status=400, method="PUT", path="/api/v1/x", field_errors={"a": ("b",)})
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is ValidationFailed and back.status == 400 and back.field_errors == {"a": ("b",)}
