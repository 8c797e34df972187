"""Loopback-only test controls under /_emulator/ (JSON, no auth). Never part of Secret Server."""
from __future__ import annotations

import sys
from datetime import timedelta

from .api import access_requests as ar
from .api.auth import revoke_tokens
from .faults import make_fault
from .http import fmt_dt, invalid, not_found
from .router import collect, route


def _user(ctx, name):
    user = ctx.state.user_by_name(name)
    if not user:
        raise not_found("User", name)
    return user


@route("POST", "/_emulator/reset", anonymous=True)
def reset(ctx):
    ctx.app.reset()
    return {"reset": True}


@route("GET|POST", "/_emulator/clock", anonymous=True)
def clock(ctx):
    if ctx.method == "POST":
        seconds = ctx.data().get("advanceSeconds")
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
            raise invalid({"advanceSeconds": "A number of seconds is required."})
        ctx.state.advance_clock(seconds)
    return {"now": fmt_dt(ctx.state.now()), "offsetSeconds": ctx.state.clock_offset}


USER_SWITCHES = {"expire-password": ("passwordExpired", True), "restore-password": ("passwordExpired", False),
                 "lock": ("isLockedOut", True), "unlock": ("isLockedOut", False),
                 "disable": ("enabled", False), "enable": ("enabled", True)}


@route("POST", "/_emulator/users/{userName}/{action}", anonymous=True)
def user_switch(ctx, userName, action):
    switch = USER_SWITCHES.get(action.lower())
    if not switch:
        raise not_found("Control", action)
    user = _user(ctx, userName)
    user[switch[0]] = switch[1]
    return {"userName": user["userName"], "enabled": user["enabled"], "isLockedOut": user["isLockedOut"],
            "passwordExpired": user["passwordExpired"]}


@route("POST", "/_emulator/tokens/revoke", anonymous=True)
def tokens_revoke(ctx):
    name = ctx.data().get("userName")
    revoked = revoke_tokens(ctx.state, _user(ctx, name)["id"] if name else None)
    return {"revoked": revoked}


@route("GET|POST|DELETE", "/_emulator/faults", anonymous=True)
def faults(ctx):
    if ctx.method == "POST":
        d = ctx.data()
        ctx.app.faults.add(make_fault(d.get("kind"), d.get("count", 1), d.get("status", 500),
                                      d.get("latencyMs", 0), d.get("pathPrefix"), d.get("method")))
    elif ctx.method == "DELETE":
        ctx.app.faults.clear()
    return {"faults": ctx.app.faults.pending()}


@route("GET|DELETE", "/_emulator/requests", anonymous=True)
def requests_log(ctx):
    if ctx.method == "DELETE":
        ctx.app.log.clear()
    return {"requests": [r.as_dict() for r in ctx.app.log.snapshot()]}


@route("POST", "/_emulator/access-requests/{id:int}/{decision}", anonymous=True)
def decide(ctx, id, decision):
    """Approve/deny a workflow request as a named approver (default admin), without the page."""
    status = {"approve": "Approved", "deny": "Denied", "cancel": "Canceled"}.get(decision.lower())
    req = ctx.state.accessRequests.get(id)
    if not status or not req:
        raise not_found("SecretAccessRequest", id)
    d = ctx.data()
    actor = _user(ctx, d.get("approver") or "admin")
    end = ctx.state.now() + timedelta(hours=float(d.get("hours") or 48)) if status == "Approved" else None
    return ar.decide(ctx.state, actor, req, status, d.get("comment") or "Approved by the test harness.",
                     ctx.state.now(), end)



ROUTES = collect(sys.modules[__name__])
