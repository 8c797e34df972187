"""Token grant, revoke, health and version (docs §1, §2)."""
from __future__ import annotations

from datetime import timedelta

from ..http import ApiError, auth_failed, fmt_dt, iso
from ..router import route

LOGIN_FAILED = {"error": "Login failed."}
PASSWORD_EXPIRED = {"error": "Login failed. Your password has expired."}


def _fail(body=LOGIN_FAILED) -> ApiError:
    return ApiError(400, body)


def issue_tokens(state, user: dict, refreshes_used: int = 0) -> dict:
    now = state.now()
    lifetime = int(state.settings["tokenLifetimeSeconds"])
    access, refresh = state.new_token(), state.new_token()
    state.tokens[access] = {"userId": user["id"], "expires": iso(now + timedelta(seconds=lifetime))}
    state.refresh_tokens[refresh] = {
        "userId": user["id"], "refreshesUsed": refreshes_used,
        "expires": iso(now + timedelta(seconds=lifetime + int(state.settings["refreshExtraSeconds"])))}
    return {"access_token": access, "token_type": "bearer", "expires_in": lifetime, "refresh_token": refresh}


def check_password(state, user_name: str, password: str) -> dict:
    """The user if they may sign in, else the doc's token error (also used by the HTML page).

    Locked and disabled users get the plain failure (indistinguishable, per the
    Decisions table); expired passwords are only revealed to the right password.
    """
    user = state.user_by_name(user_name or "")
    if not user or not password or user.get("password") != password:
        if user:
            user["loginFailures"] = user.get("loginFailures", 0) + 1
        raise _fail()
    if not user.get("enabled", True) or user.get("isLockedOut"):
        raise _fail()
    if user.get("passwordExpired"):
        raise _fail(PASSWORD_EXPIRED)
    return user


@route("POST", "/oauth2/token", anonymous=True)
def token(ctx):
    grant = (ctx.form.get("grant_type") or "").lower()
    state = ctx.state
    if grant == "password":
        ctx.log_user = ctx.form.get("username")
        domain = (ctx.form.get("domain") or "").lower()
        if domain not in ("", "local"):
            # UNCONFIRMED: only local users exist here; any AD domain fails like bad credentials.
            raise _fail()
        user = check_password(state, ctx.form.get("username"), ctx.form.get("password"))
        user["loginFailures"] = 0
        user["lastLogin"] = fmt_dt(state.now())
        return issue_tokens(state, user)
    if grant == "refresh_token":
        old = state.refresh_tokens.pop(ctx.form.get("refresh_token") or "", None)  # single use
        if not old or state.when(old["expires"]) <= state.now():
            raise _fail()
        # UNCONFIRMED: the error shape once "Maximum Token Refreshes Allowed" is used up.
        if old["refreshesUsed"] >= int(state.settings["maxTokenRefreshes"]):
            raise _fail()
        user = state.users.get(old["userId"])
        if not user or not user.get("enabled", True) or user.get("isLockedOut") or user.get("passwordExpired"):
            raise _fail()
        ctx.log_user = user["userName"]
        return issue_tokens(state, user, old["refreshesUsed"] + 1)
    raise ApiError(400, {"error": "unsupported_grant_type"})


def authenticate(state, header: str | None) -> tuple[dict, str]:
    """Bearer token -> (user, token); 403 Authentication failed otherwise."""
    scheme, _, value = (header or "").strip().partition(" ")
    record = state.tokens.get(value.strip()) if scheme.lower() == "bearer" else None
    if not record or state.when(record["expires"]) <= state.now():
        raise auth_failed()
    user = state.users.get(record["userId"])
    if not user or not user.get("enabled", True) or user.get("isLockedOut"):
        raise auth_failed()
    return user, value.strip()


def revoke_tokens(state, user_id: int | None = None) -> int:
    """Drop access and refresh tokens (of one user, or everyone's)."""
    count = 0
    for table in (state.tokens, state.refresh_tokens):
        for key in [k for k, v in table.items() if user_id is None or v["userId"] == user_id]:
            del table[key]
            count += 1
    return count


@route("POST", "/api/v1/oauth-expiration")
def oauth_expiration(ctx):
    ctx.state.tokens.pop(ctx.token, None)
    return True


@route("GET", "/api/v1/healthcheck", anonymous=True)
def healthcheck(ctx):
    # Both spellings: PYSDK reads "Healthy" (case-sensitive), the swagger says "healthy".
    now = ctx.state.now()
    return {"Healthy": True, "healthy": True, "databaseHealthy": True, "serviceBusHealthy": True,
            "storageAccountHealthy": True, "scheduledForDeletion": False, "provisionDeletionDateTime": None,
            "readOnlyMode": False, "databaseMismatch": False, "now": fmt_dt(now), "utcNow": fmt_dt(now)}


@route("GET", "/api/v1/version", anonymous=True)
def version(ctx):
    # UNCONFIRMED: whether this needs a token; we answer anonymously (lenient).
    return {"success": True, "severity": "None", "model": {"version": ctx.state.settings["version"]}}
