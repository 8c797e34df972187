"""A freshly generated endpoint token carried across one redirect (POST → redirect → GET), shown once.

Rendering the token straight from the POST made F5 resubmit it (a second "Generate token": a false
"changed by someone else" error and a failed audit row). The token is kept encrypted in the session
(the same environment key as the application account's password, never the plaintext), for one page
view and at most ``TOKEN_SHOW_SECONDS``: the first GET of the endpoint's page takes it out.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime

from connector.crypto import DecryptionError, decrypt_secret, encrypt_secret

TOKEN_SHOW_SECONDS = 600
_SESSION_KEY = "connector:endpoint-token-once"


@dataclass(frozen=True)
class TokenToShow:
    value: str
    expires_at: datetime

    def __repr__(self) -> str:  # keep the plaintext out of tracebacks and debug output
        return f"TokenToShow(expires_at={self.expires_at!r})"


def token_keep_for_next_page(request, endpoint_id: int, token) -> None:
    """Stash ``token`` (an IssuedToken) for the next GET of endpoint ``endpoint_id``'s page."""
    payload = json.dumps({"endpoint": int(endpoint_id), "value": token.value,
                          "expires_at": token.expires_at.isoformat(), "at": time.time()})
    request.session[_SESSION_KEY] = encrypt_secret(payload)


def token_take(request, endpoint_id: int) -> TokenToShow | None:
    """The stashed token of this endpoint, removed from the session (shown once); None if absent or stale."""
    stored = request.session.pop(_SESSION_KEY, None)
    if not stored:
        return None
    try:
        payload = json.loads(decrypt_secret(stored))
    except (DecryptionError, ValueError):
        return None
    if payload.get("endpoint") != int(endpoint_id) or time.time() - payload.get("at", 0) > TOKEN_SHOW_SECONDS:
        return None
    return TokenToShow(payload["value"], datetime.fromisoformat(payload["expires_at"]))
