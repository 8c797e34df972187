import pytest
from django.test import override_settings

from connector.crypto import DecryptionError, decrypt_secret, encrypt_secret


def test_it_round_trips_and_never_stores_the_plaintext():
    token = encrypt_secret("Canary-Pa55word-7f3a")
    assert "Canary" not in token
    assert decrypt_secret(token) == "Canary-Pa55word-7f3a"


def test_a_changed_key_is_a_named_error():
    token = encrypt_secret("x")
    with override_settings(CONNECTOR_ENCRYPTION_KEY="another-key"), pytest.raises(DecryptionError):
        decrypt_secret(token)
