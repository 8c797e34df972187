"""A password for users created without one (Okta and Entra often send none).

Secret Server's local password policy is configurable (UNCONFIRMED defaults); the generated password
meets any reasonable policy: 32 characters with upper and lower case letters, digits and symbols. Nobody
ever sees it: the person signs in through their identity provider or an administrator resets it.
"""
import secrets
import string

SYMBOLS = "!#$%*+-=?@^_"
LENGTH = 32


def password_generate(length: int = LENGTH) -> str:
    classes = (string.ascii_uppercase, string.ascii_lowercase, string.digits, SYMBOLS)
    alphabet = "".join(classes)
    while True:
        value = "".join(secrets.choice(alphabet) for _ in range(length))
        if all(any(c in cls for c in value) for cls in classes):
            return value
