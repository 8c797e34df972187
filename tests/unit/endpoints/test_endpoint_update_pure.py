"""Endpoint update, pure parts: which token the notes keep, and the outcome line."""
from __future__ import annotations

from types import SimpleNamespace

from connector.services.endpoints import MSG_SENSITIVE_OFF, MSG_SENSITIVE_ON, _token_fields, _update_message

CURRENT = SimpleNamespace(token_id="old-id", token_hash="old-hash", token_prefix="old", token_issued_at="i0",
                          token_expires_at="e0", allow_sensitive_reads=False)
NEW_TOKEN = SimpleNamespace(token_id="new-id", hash="new-hash", prefix="new", issued_at="i1", expires_at="e1")


def test_without_a_new_token_the_endpoint_keeps_its_own():
    assert _token_fields(None, CURRENT) == {"token_id": "old-id", "token_hash": "old-hash", "token_prefix": "old",
                                            "issued_at": "i0", "expires_at": "e0"}


def test_a_new_token_replaces_every_token_field():
    assert _token_fields(NEW_TOKEN, CURRENT) == {"token_id": "new-id", "token_hash": "new-hash",
                                                 "token_prefix": "new", "issued_at": "i1", "expires_at": "e1"}


def test_outcome_line_names_a_generated_token_and_a_flipped_switch_only():
    same = SimpleNamespace(allow_sensitive_reads=False)
    on = SimpleNamespace(allow_sensitive_reads=True)
    assert _update_message(CURRENT, same, None) == "Endpoint updated."
    assert _update_message(CURRENT, same, NEW_TOKEN) == "Endpoint updated; a token was generated."
    assert _update_message(CURRENT, on, None) == f"Endpoint updated. {MSG_SENSITIVE_ON}"
    assert _update_message(on, CURRENT, None) == f"Endpoint updated. {MSG_SENSITIVE_OFF}"
