"""Secrets never reach the audit table: canaries go in through every field, none comes out."""
import pytest
from django.db import connection

from connector.services.audit import REDACTED, audit_chain_verify, audit_record, audit_redact

pytestmark = pytest.mark.django_db

CANARY_PASSWORD = "Canary-Passw0rd-7f3a"
CANARY_TOKEN = "scim_c4n4ryT0kenAbCdEf123456"
CANARY_BEARER = "ey9canaryBearerValue0123456789"
CANARY_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlY2FuYXJ5"
CANARIES = (CANARY_PASSWORD, CANARY_TOKEN, CANARY_BEARER, CANARY_JWT, "refresh-canary-99", "client-canary-42")


def _all_stored_text():
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM connector_auditevent")
        return repr(cursor.fetchall())


def test_canary_secrets_are_never_stored_in_any_column():
    before = {
        "password": CANARY_PASSWORD,
        "nested": {"deeper": [{"new_password": CANARY_PASSWORD}, {"accessToken": "refresh-canary-99"}]},
        "items": [
            {"fieldName": "Password", "slug": "password", "itemValue": CANARY_PASSWORD, "isPassword": True},
            {"fieldName": "Notes", "slug": "notes", "itemValue": f"see Bearer {CANARY_BEARER}"},
        ],
        "headers": {"Authorization": f"Bearer {CANARY_BEARER}"},
    }
    after = {
        "refresh_token": "refresh-canary-99",
        "client_secret": "client-canary-42",
        "Operations": [{"op": "replace", "path": "password", "value": CANARY_PASSWORD}],
        "note": f"token {CANARY_TOKEN} issued; jwt {CANARY_JWT}",
        "url": f"/oauth2/token?grant_type=password&username=a&password={CANARY_PASSWORD}",
        "body": f'{{"access_token": "{CANARY_BEARER}", "token_type": "bearer"}}',
    }
    audit_record(
        action="endpoint.update", outcome="failure", actor_name="alice",
        target_repr=f"endpoint with {CANARY_TOKEN}", before=before, after=after,
        message=f"vault said: password={CANARY_PASSWORD} Authorization: Bearer {CANARY_BEARER} {CANARY_TOKEN}",
    )

    stored = _all_stored_text()
    for canary in CANARIES:
        assert canary not in stored, canary
    assert REDACTED in stored
    assert audit_chain_verify().ok  # redaction happens before hashing


def test_it_redacts_by_key_and_by_named_item_but_keeps_ordinary_fields():
    redacted = audit_redact({
        "Password": "x1", "hmac_key": "x2", "api-key": "x3", "sessionid": "x4",
        "secretId": 42, "secretName": "HR app", "token_id": 5, "password_expired": True,
        "items": [{"slug": "username", "itemValue": "svc_hr"}, {"slug": "password", "itemValue": "x5"}],
        "empty_password": "",
    })
    assert redacted["Password"] == redacted["hmac_key"] == redacted["api-key"] == redacted["sessionid"] == REDACTED
    assert redacted["items"] == [{"slug": "username", "itemValue": "svc_hr"},
                                 {"slug": "password", "itemValue": REDACTED}]
    assert (redacted["secretId"], redacted["secretName"], redacted["token_id"]) == (42, "HR app", 5)
    assert redacted["password_expired"] is True and redacted["empty_password"] == ""


def test_it_converts_non_json_values_and_drops_nul_characters():
    import datetime
    import decimal
    import uuid

    value = {"when": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC), "id": uuid.UUID(int=1),
             "amount": decimal.Decimal("1.50"), 3: "three", "text": "a\x00b"}
    event = audit_record(action="test.types", outcome="success", after=value)
    event.refresh_from_db()
    assert event.after == {"when": "2026-01-02T03:04:05Z", "id": "00000000-0000-0000-0000-000000000001",
                           "amount": "1.50", "3": "three", "text": "ab"}
    assert audit_chain_verify().ok
