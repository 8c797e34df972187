"""Canary test: no password, token or secret value in any error message, repr, excerpt or log line."""
import json
import logging
import traceback

import pytest
import responses

from connector.secretserver import SecretServerError, StaticToken
from connector.secretserver.tokens import request_refresh_grant
from ss_unit_helpers import API, TOKEN_URL, make_client

PW = "Canary-Pass-9f3x"
TOK = "Canary-Tok-7e1x"
VAL = "Canary-Val-5d2x"
RT = "Canary-Ref-3c4x"
CANARIES = (PW, TOK, VAL, RT)

# The server may echo anything this call sent (password, refresh token, bearer token, a field value) in
# any text it returns, and any value at all under a sensitive JSON key (password, access_token, itemValue...).
BODIES = [
    (400, {"error": "Login failed for password {echo}"}),
    (400, {"error": "Login failed. Your password has expired ({echo})"}),
    (400, {"errorCode": "API_AccessDenied", "message": "Access Denied {echo}"}),
    (400, {"errorCode": "API_ValidateSecretAccessApprovalRequired", "message": "{echo}"}),
    (400, {"message": "{echo}", "modelState": {"value": ["'{echo}' is bad"], "x{echo}": ["{echo}"]}}),
    (403, {"message": "Authentication failed for {echo}"}),
    (404, {"message": "{echo}"}),
    (500, {"message": "boom", "exceptionMessage": "{echo}", "stackTrace": "{echo}"}),
    (503, "{echo}"),
    (200, "<html>{echo}</html>"),
    (400, "<html>{echo}</html>"),
    (200, {"password": PW, "access_token": TOK, "itemValue": VAL, "refresh_token": RT, "id": "{echo}"}),
    (200, "{echo} not json"),
    (418, {"message": "{echo}", "password": PW, "Value": VAL, "newPassword": PW}),
]

# (method, url, call, canaries this call sends and the server could therefore echo)
CALLS = [
    ("POST", TOKEN_URL, lambda c: c.password_grant("alice", PW), (PW,)),
    ("POST", TOKEN_URL, lambda c: request_refresh_grant(c.transport, RT), (RT,)),
    ("GET", API + "/secrets/5", lambda c: c.get_secret(5), (TOK,)),
    ("GET", API + "/secrets/5/fields/password", lambda c: c.get_secret_field(5, "password"), (TOK,)),
    ("PUT", API + "/secrets/5/fields/password", lambda c: c.update_secret_field(5, "password", VAL), (TOK, VAL)),
    ("GET", API + "/users/current", lambda c: c.current_user(), (TOK,)),
]


def _all_text(exc: BaseException) -> str:
    parts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    if isinstance(exc, SecretServerError):
        parts += [exc.body_excerpt or "", exc.product_message or "", repr(getattr(exc, "field_errors", ""))]
    return "\n".join(parts)


@pytest.mark.parametrize("status,body", BODIES)
@pytest.mark.parametrize("method,url,call,sent", CALLS, ids=[c[1].rsplit("/", 2)[-1] + "-" + c[0] for c in CALLS])
def test_no_canary_anywhere(status, body, method, url, call, sent, caplog):
    client = make_client(token=TOK, retries=1)
    text = json.dumps(body) if not isinstance(body, str) else body
    text = text.replace("{echo}", " ".join(sent))
    ctype = "text/html" if text.startswith("<") else ("application/json" if not isinstance(body, str) else "text/plain")
    with caplog.at_level(logging.DEBUG), responses.RequestsMock(assert_all_requests_are_fired=False) as r:
        r.add(method, url, status=status, body=text, content_type=ctype)
        try:
            result = call(client)
        except SecretServerError as exc:
            blob = _all_text(exc)
        else:
            blob = repr(result)
            if status == 200 and "fields" in url:  # a successful field read returns the value by design
                blob = ""
    blob += caplog.text + repr(client) + repr(client.token_provider) + repr(client.transport)
    for canary in CANARIES:
        assert canary not in blob, (canary, blob[:500])


def test_canary_in_query_is_never_logged_nor_in_errors(caplog):
    client = make_client(token=TOK, retries=0)
    with caplog.at_level(logging.DEBUG), responses.RequestsMock() as r:
        r.get(API + "/users", status=500, json={"message": "x"})
        with pytest.raises(SecretServerError) as ei:
            client.search_users(search_text=PW)
    assert PW not in caplog.text and PW not in _all_text(ei.value)


def test_socket_faults_do_not_leak(fault_server, refused_url, caplog):
    for url in (fault_server("reset").url, fault_server("truncated").url, refused_url):
        client = make_client(url, token=TOK, retries=0, timeout=2)
        with caplog.at_level(logging.DEBUG):
            with pytest.raises(SecretServerError) as ei:
                client.password_grant("alice", PW)
        blob = _all_text(ei.value) + caplog.text
        assert PW not in blob and TOK not in blob


def test_static_token_repr():
    assert TOK not in repr(StaticToken(TOK))
