"""The administrator's page at `/`: sign in, approve/deny pending requests, share a secret, see the users.

Plain server-rendered HTML forms (no JS, no CDN), like Secret Server's home
page widget for access requests. Sessions are random cookies kept in state;
each form carries a per-session CSRF token.
"""
from __future__ import annotations

import secrets as _secrets
from datetime import timedelta
from html import escape
from http.cookies import SimpleCookie

from . import access
from .api import access_requests as ar
from .api.secret_permissions import add_secret_permission
from .api.auth import check_password
from .http import ApiError, fmt_dt, iso, parse_dt

COOKIE = "ssemu_session"
DEFAULT_HOURS = 48

STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;margin-bottom:2rem}th,td{border:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}
th{background:#f1f1f1}.msg{padding:.5rem;background:#eef6ee;border:1px solid #8b8}.err{background:#fbeaea;border-color:#c88}
label{display:block;margin:.2rem 0}input[type=text],input[type=password],textarea{width:100%;max-width:24rem}
button{margin:.2rem .4rem .2rem 0}"""


def _doc(title: str, body: str) -> bytes:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>{body}</body></html>").encode()


def session_user(state, environ):
    cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    key = cookie[COOKIE].value if COOKIE in cookie else None
    session = state.sessions.get(key) if key else None
    user = state.users.get(session["userId"]) if session else None
    return (user, session) if user else (None, None)


def _status(user) -> str:
    if not user.get("enabled", True):
        return "disabled"
    if user.get("isLockedOut"):
        return "locked"
    if user.get("passwordExpired"):
        return "password expired"
    return "active"


def users_table(state) -> str:
    rows = []
    for user in sorted(state.users.values(), key=lambda u: u["id"]):
        groups = sorted(state.groups[g]["name"] for g in state.group_ids_of(user)
                        if not state.groups[g].get("personalUserId"))
        rows.append(f"<tr><td>{escape(user['userName'])}</td><td>{escape(user['displayName'])}</td>"
                    f"<td>{_status(user)}</td><td>{escape(', '.join(groups))}</td></tr>")
    return ("<h2 id='users'>Users</h2><table aria-labelledby='users'><thead><tr><th>User name</th>"
            "<th>Display name</th><th>Status</th><th>Groups</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _request_row(state, req, csrf) -> str:
    m = ar.request_model(state, req)
    rid = m["secretAccessRequestId"]
    return (f"<tr><td>{escape(m['requestUsername'] or '')}</td><td>{escape(m['secretName'] or '')}</td>"
            f"<td>{escape(m['requestComment'])}</td><td>{m['startDate'] or ''} &ndash; {m['expirationDate'] or 'open'}</td>"
            f"<td><form method='post' action='/requests/{rid}/review'>"
            f"<input type='hidden' name='csrf' value='{csrf}'>"
            f"<label for='j{rid}'>Justification (required)</label>"
            f"<textarea id='j{rid}' name='justification' required></textarea>"
            f"<label for='h{rid}'>Access window (hours)</label>"
            f"<input type='number' id='h{rid}' name='hours' min='1' value='{DEFAULT_HOURS}'>"
            f"<label for='e{rid}'>or expires at (UTC)</label>"
            f"<input type='datetime-local' id='e{rid}' name='expirationDate'>"
            f"<button type='submit' name='decision' value='Approved'>Approve</button>"
            f"<button type='submit' name='decision' value='Denied'>Deny</button></form></td></tr>")


SHARE_ROLES = ("View", "Edit", "Owner")


def _owned_secrets(state, user) -> list[dict]:
    return sorted((s for s in state.secrets.values() if s.get("active", True)
                   and access.secret_rank(state, user, s) >= access.SECRET_ROLES["Owner"][0]), key=lambda s: s["id"])


def share_form(state, user, csrf) -> str:
    """Share a secret the signed-in person owns with a user, as Secret Server's Sharing tab does."""
    secrets = _owned_secrets(state, user)
    if not secrets:
        return ""
    options = "".join(f"<option value='{s['id']}'>{escape(s['name'])}</option>" for s in secrets)
    people = "".join(f"<option value='{u['id']}'>{escape(u['userName'])}</option>"
                     for u in sorted(state.users.values(), key=lambda u: u["id"]) if u["id"] != user["id"])
    roles = "".join(f"<option>{r}</option>" for r in SHARE_ROLES)
    return ("<h2 id='share'>Share a secret</h2><form method='post' action='/share' aria-labelledby='share'>"
            f"<input type='hidden' name='csrf' value='{csrf}'>"
            f"<label for='share-secret'>Secret</label><select id='share-secret' name='secretId'>{options}</select>"
            f"<label for='share-user'>User</label><select id='share-user' name='userId'>{people}</select>"
            f"<label for='share-role'>Permission</label><select id='share-role' name='role'>{roles}</select>"
            "<p>A secret that requires approval for viewers and editors (the SCIMSecret: &ldquo;Standard "
            "including Editors&rdquo;) still needs an approved request after a View or Edit share; "
            "Owner does not.</p><button type='submit'>Share</button></form>")


def share(state, user, form) -> str:
    """Share from the page (the person must own the secret); returns the message to show."""
    secret = state.secrets.get(int(form.get("secretId") or 0))
    target = state.users.get(int(form.get("userId") or 0))
    role = access.canonical(form.get("role"), access.SECRET_ROLES)
    if not secret or secret not in _owned_secrets(state, user):
        raise ApiError(400, {"message": "You can share only a secret you own."})
    if not target or role not in SHARE_ROLES:
        raise ApiError(400, {"message": "Choose a user and View, Edit or Owner."})
    add_secret_permission(state, secret["id"], state.groups[target["personalGroupId"]], role)
    return f"{secret['name']} shared with {target['userName']} ({role})."


def home(state, user, session, message="", error=False) -> bytes:
    note = f"<p class='msg{' err' if error else ''}' role='status'>{escape(message)}</p>" if message else ""
    if not user:
        return _doc("Secret Server emulator: sign in", (
            "<h1>Secret Server emulator</h1>" + note +
            "<form method='post' action='/signin'><label for='username'>User name</label>"
            "<input type='text' id='username' name='username' autocomplete='username' required>"
            "<label for='password'>Password</label>"
            "<input type='password' id='password' name='password' autocomplete='current-password' required>"
            "<button type='submit'>Sign in</button></form>" + users_table(state)))
    pending = [r for r in state.access_requests_list()
               if r["status"] == "Pending" and ar.may_read(state, user, r) and r["requestingUserId"] != user["id"]]
    rows = "".join(_request_row(state, r, session["csrf"]) for r in pending) or \
        "<tr><td colspan='5'>No pending access requests.</td></tr>"
    return _doc("Secret Server emulator", (
        f"<h1>Secret Server emulator</h1><p>Signed in as <strong>{escape(user['displayName'])}</strong> "
        f"({escape(user['userName'])}).</p><form method='post' action='/signout'>"
        f"<input type='hidden' name='csrf' value='{session['csrf']}'><button type='submit'>Sign out</button></form>"
        + note + "<h2 id='pending'>Pending access requests</h2><table aria-labelledby='pending'><thead><tr>"
        "<th>Requester</th><th>Secret</th><th>Comment</th><th>Requested window</th><th>Decision</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>" + share_form(state, user, session["csrf"]) + users_table(state)))


def sign_in(state, form) -> tuple[str | None, str]:
    try:
        user = check_password(state, form.get("username"), form.get("password"))
    except ApiError as exc:
        return None, exc.body["error"]
    key = _secrets.token_urlsafe(24)
    state.sessions[key] = {"userId": user["id"], "csrf": _secrets.token_urlsafe(16), "created": iso(state.now())}
    return key, ""


def review(state, user, req_id, form) -> str:
    """Approve or deny from the page; returns the message to show."""
    req = state.accessRequests.get(req_id)
    if not req:
        raise ApiError(404, {"message": "Request not found."})
    decision = form.get("decision")
    if decision not in ("Approved", "Denied"):
        raise ApiError(400, {"message": "Choose Approve or Deny."})
    justification = (form.get("justification") or "").strip()
    if not justification:
        raise ApiError(400, {"message": "A justification is required."})
    end = None
    if decision == "Approved":
        try:
            end = parse_dt(form.get("expirationDate")) or state.now() + timedelta(
                hours=float(form.get("hours") or DEFAULT_HOURS))
        except ValueError:
            raise ApiError(400, {"message": "The access window is invalid."}) from None
    model = ar.decide(state, user, req, decision, justification, state.now(), end)
    window = f" until {fmt_dt(end)} UTC" if end else ""
    return f"Request {req_id} {decision.lower()}{window}: {model['requestUsername']} / {model['secretName']}."
