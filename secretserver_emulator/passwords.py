"""The local-user password policy (Admin > Configuration > Local User Passwords).

Secret Server refuses to create or update a local user whose password breaks
this policy. The setting names are Secret Server's own (ConfigurationLocalUserPasswords:
PasswordMinimumLength, PasswordRequireLowercase/Uppercase/Numbers/Symbols,
EnablePasswordHistory, PasswordHistoryItems). UNCONFIRMED: the defaults on a
fresh instance and the error body; we require 8+ characters with at least one
lower-case letter, upper-case letter, digit and symbol, history off, and answer
the validation envelope with every broken rule under `modelState.password`.
A seed may override any of these under `settings.passwordPolicy`.
"""
from __future__ import annotations

DEFAULT_POLICY = {
    "passwordMinimumLength": 8,
    "passwordRequireLowercase": True,
    "passwordRequireUppercase": True,
    "passwordRequireNumbers": True,
    "passwordRequireSymbols": True,
    "enablePasswordHistory": False,
    "passwordHistoryItems": 6,
}


def policy(state) -> dict:
    return {**DEFAULT_POLICY, **state.settings.get("passwordPolicy", {})}


def problems(state, password, history: list | None = None) -> list[str]:
    """Every rule `password` breaks (empty when it is acceptable)."""
    rules = policy(state)
    if not isinstance(password, str) or not password:
        return ["The Password field is required."]
    out = []
    if len(password) < int(rules["passwordMinimumLength"]):
        out.append(f"The password must be at least {rules['passwordMinimumLength']} characters long.")
    if rules["passwordRequireLowercase"] and not any(c.islower() for c in password):
        out.append("The password must contain a lower-case letter.")
    if rules["passwordRequireUppercase"] and not any(c.isupper() for c in password):
        out.append("The password must contain an upper-case letter.")
    if rules["passwordRequireNumbers"] and not any(c.isdigit() for c in password):
        out.append("The password must contain a number.")
    if rules["passwordRequireSymbols"] and all(c.isalnum() for c in password):
        out.append("The password must contain a symbol.")
    if rules["enablePasswordHistory"] and history and password in history[-int(rules["passwordHistoryItems"]):]:
        out.append("The password was used recently and cannot be reused.")
    return out
