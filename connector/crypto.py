"""Encryption of the one local secret: the application account's password in the bootstrap record.

The key comes from the environment (CONNECTOR_ENCRYPTION_KEY; derived from SECRET_KEY when unset),
never from the database, so a copy of the database alone does not reveal the password.
"""
import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class DecryptionError(Exception):
    """The stored password cannot be decrypted: the key in the environment changed or the row was altered."""


def _fernet() -> Fernet:
    material = settings.CONNECTOR_ENCRYPTION_KEY or f"derived-from-secret-key:{settings.SECRET_KEY}"
    digest = hashlib.sha256(b"scim-connector/bootstrap-password/v1\x00" + material.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_secret(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt_secret(ciphertext: str) -> str:
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise DecryptionError(
            "The application account's password cannot be decrypted; was CONNECTOR_ENCRYPTION_KEY changed?"
        ) from exc
