"""Token format, checksum and verification against the local mirror (no Secret Server needed)."""
import hmac
from datetime import timedelta

import pytest
from django.utils import timezone

from connector.configuration import ConnectorSettings
from connector.models import EndpointMirror
from connector.services import endpoint_tokens as tokens
from connector.services.endpoint_tokens import (
    TOKEN_RE,
    endpoint_token_verify,
    token_checksum,
    token_generate,
    token_hash,
    token_parse,
)


@pytest.fixture
def connector_settings(monkeypatch):
    current = {"value": ConnectorSettings()}
    monkeypatch.setattr("connector.services.configuration_service.settings_current", lambda: current["value"])
    return current


def _mirror_for(token, **extra):
    values = dict(ss_secret_id=extra.pop("ss_secret_id", 10), name="Okta", url="https://idp.example.test/scim",
                  username="u", token_id=token.token_id, token_hash=token.hash, token_prefix=token.prefix,
                  token_issued_at=token.issued_at, token_expires_at=token.expires_at, synced_at=timezone.now())
    values.update(extra)
    return EndpointMirror.objects.create(**values)


def test_a_generated_token_has_the_documented_shape():
    token = token_generate(730)
    assert TOKEN_RE.match(token.value)
    prefix, token_id, secret, checksum = token.value.split("_")
    assert prefix == "scim" and token_id == token.token_id and len(secret) == 32
    assert checksum == token_checksum(f"scim_{token_id}_{secret}")
    assert token.hash == token_hash(token.value) and len(token.hash) == 64
    assert token.value not in repr(token) and token.value not in str(token)
    assert token.prefix.startswith(f"scim_{token_id}_") and secret not in token.prefix


def test_tokens_are_random_and_live_the_configured_days():
    a, b = token_generate(730), token_generate(3)
    assert a.value != b.value and a.token_id != b.token_id
    assert a.expires_at - a.issued_at == timedelta(days=730)
    assert b.expires_at - b.issued_at == timedelta(days=3)


@pytest.mark.parametrize("bad", ["", "scim_", "Bearer x", "scim_abcdefgh_" + "A" * 32 + "_000000", None, 42,
                                 "x" * 500])
def test_malformed_tokens_are_rejected_without_a_lookup(bad, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert token_parse(bad) is None
        assert endpoint_token_verify(bad) is None


def test_a_wrong_checksum_is_rejected_before_the_database(db, django_assert_num_queries, connector_settings):
    token = token_generate(730)
    _mirror_for(token)
    body, checksum = token.value.rsplit("_", 1)
    wrong = body + "_" + ("0" * 6 if checksum != "000000" else "111111")
    with django_assert_num_queries(0):
        assert endpoint_token_verify(wrong) is None
    assert endpoint_token_verify(token.value).ss_secret_id == 10


def test_the_right_id_with_a_wrong_secret_fails(db, connector_settings):
    token = token_generate(730)
    _mirror_for(token)
    other_secret = "B" * 32
    body = f"scim_{token.token_id}_{other_secret}"
    forged = f"{body}_{token_checksum(body)}"
    assert token_parse(forged) == token.token_id  # well-formed, so it reaches the hash comparison
    assert endpoint_token_verify(forged) is None


def test_the_hash_comparison_is_constant_time(db, connector_settings, monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(tokens.hmac, "compare_digest", spy)
    token = token_generate(730)
    _mirror_for(token)
    assert endpoint_token_verify(token.value) is not None
    assert (token.hash, token.hash) in calls


def test_expired_inactive_and_disabled_are_refused(db, connector_settings):
    token = token_generate(1)
    mirror = _mirror_for(token)
    assert endpoint_token_verify(token.value) == mirror
    assert endpoint_token_verify(token.value, now=token.expires_at + timedelta(seconds=1)) is None
    connector_settings["value"] = ConnectorSettings(connector_disabled=True)
    assert endpoint_token_verify(token.value) is None
    connector_settings["value"] = ConnectorSettings()
    EndpointMirror.objects.filter(pk=mirror.pk).update(active=False)
    assert endpoint_token_verify(token.value) is None


def test_unreadable_settings_fail_closed(db, monkeypatch):
    def broken():
        raise RuntimeError("Secret Server down")

    monkeypatch.setattr("connector.services.configuration_service.settings_current", broken)
    token = token_generate(5)
    _mirror_for(token)
    assert endpoint_token_verify(token.value) is None
