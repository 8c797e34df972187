"""Secret access requests: file, list, read, decide (docs §7).

Readers: the requester, the secret's approvers and its owners (Decisions table).
Approved requests turn Expired lazily once expirationDate passes
(`access.sweep_expired`, run before every API call).
"""
from __future__ import annotations

from .. import access
from ..http import (access_denied, as_bool, as_int, fmt_dt, invalid, iso, not_found, page, parse_dt,
                    required_secret_id)
from ..router import route
from .secrets import security_model

UPDATE_STATUSES = ("Pending", "Approved", "Denied", "Canceled")
STATUS_DESCRIPTIONS = {"Pending": "Pending", "Approved": "Approved", "Denied": "Denied",
                       "Canceled": "Canceled", "Expired": "Expired", "WaitingForRequest": "Waiting for request"}
ACTION_MESSAGES = {"Approved": "The request has been approved.", "Denied": "The request has been denied.",
                   "Canceled": "The request has been canceled.", "Pending": "The request is pending."}


def _dt(state, text):
    return fmt_dt(state.when(text)) if text else None


def request_model(state, req) -> dict:
    secret = state.secrets.get(req["secretId"], {})
    requester = state.users.get(req["requestingUserId"], {})
    reviewer = state.users.get(req.get("reviewerUserId"))
    return {
        "secretAccessRequestId": req["id"], "secretId": req["secretId"], "secretName": secret.get("name"),
        "folderId": secret.get("folderId") if secret.get("folderId") is not None else -1,
        "requestingUserId": req["requestingUserId"], "requestUsername": requester.get("userName"),
        "requestComment": req.get("requestComment") or "", "requestDate": _dt(state, req["requestDate"]),
        "status": req["status"], "statusDescription": STATUS_DESCRIPTIONS.get(req["status"], req["status"]),
        "reviewStatusMessage": f"{req['status']} by {reviewer['displayName']}" if reviewer else "Waiting for approval",
        "approverDisplayName": reviewer["displayName"] if reviewer else None,
        "responseComment": req.get("responseComment"), "responseDate": _dt(state, req.get("responseDate")),
        "startDate": _dt(state, req.get("startDate")), "expirationDate": _dt(state, req.get("expirationDate")),
        "completed": req["status"] != "Pending", "hasWorkflow": False, "accessRequestWorkflowMapId": None,
        "currentUserRestrictedFromReviewing": None, "ticketNumber": req.get("ticketNumber") or "",
        "ticketSystemId": req.get("ticketSystemId"),
    }


def may_read(state, user, req) -> bool:
    secret = state.secrets.get(req["secretId"])
    return req["requestingUserId"] == user["id"] or bool(secret and access.can_review(state, user, secret))


def _request(ctx, id):
    req = ctx.state.accessRequests.get(id)
    if not req:
        raise not_found("SecretAccessRequest", id)
    if not may_read(ctx.state, ctx.user, req):
        raise access_denied()
    return req



@route("POST", "/api/v1/secret-access-requests")
def create(ctx):
    state, data = ctx.state, ctx.data()
    errors = {}
    secret_id = required_secret_id(data, errors)
    try:
        start = parse_dt(data.get("startDate")) or ctx.now
        end = parse_dt(data.get("expirationDate"))
    except ValueError:
        errors["startDate"] = "Invalid date."
        start = end = None
    if end and start and end <= start:
        errors["expirationDate"] = "The expiration date must be after the start date."
    if errors:
        raise invalid(errors)
    # Requesters need at least List (they must be able to find the secret).
    access.secret_for(state, ctx.user, secret_id, "List", check_approval=False)
    req = {"id": state.new_id("accessRequests"), "secretId": secret_id, "requestingUserId": ctx.user["id"],
           "requestComment": data.get("requestComment") or "", "requestDate": iso(ctx.now), "status": "Pending",
           "startDate": iso(start), "expirationDate": iso(end) if end else None, "responseComment": None,
           "responseDate": None, "reviewerUserId": None, "ticketNumber": data.get("ticketNumber"),
           "ticketSystemId": as_int(data.get("ticketSystemId")), "history": []}
    record(state, req, "Requested", req["requestComment"], ctx.user)
    state.accessRequests[req["id"]] = req
    return request_model(state, req)


def record(state, req, action, details, user):
    req.setdefault("history", []).append({"action": action, "dateRecorded": iso(state.now()),
                                          "details": details or "", "fullName": user["displayName"]})


@route("GET", "/api/v1/secret-access-requests")
def search(ctx):
    state, q, user = ctx.state, ctx.query, ctx.user
    status = (q.get("filter.status") or "").lower()
    mine = as_bool(q.get("filter.ismyrequest"))
    # ASSUMPTION (docs/secretserver-api-extensions.md): narrowing by secret and by requester.
    secret_id, requester_id = as_int(q.get("filter.secretid")), as_int(q.get("filter.requestinguserid"))
    rows = [request_model(state, r) for r in state.access_requests_list()
            if (not status or r["status"].lower() == status)
            and (secret_id is None or r["secretId"] == secret_id)
            and (requester_id is None or r["requestingUserId"] == requester_id)
            and (r["requestingUserId"] == user["id"] if mine else may_read(state, user, r))]
    return page(rows, q, "requestDate")


@route("GET", "/api/v1/secret-access-requests/{id:int}")
def read(ctx, id):
    return request_model(ctx.state, _request(ctx, id))


@route("GET", "/api/v1/secret-access-requests/{id:int}/pending")
def pending(ctx, id):
    state = ctx.state
    req = _request(ctx, id)
    model = request_model(state, req)
    secret = state.secrets.get(req["secretId"], {})
    reviewers = [{"displayName": a["displayName"], "groupId": a["groupId"], "isUser": not a["isGroup"]}
                 for a in security_model(state, secret)["approvers"]] if secret else []
    model["currentStepApprovers"] = reviewers
    model["currentStepReviewers"] = reviewers
    return model


@route("GET", "/api/v1/secret-access-requests/{id:int}/history")
def history(ctx, id):
    state = ctx.state
    rows = [{"action": h["action"], "dateRecorded": _dt(state, h["dateRecorded"]), "details": h["details"],
             "fullName": h["fullName"]} for h in _request(ctx, id).get("history", [])]
    return page(rows, ctx.query, "dateRecorded")


@route("GET", "/api/v1/secret-access-requests/secrets/{secretId:int}")
def for_secret(ctx, secretId):
    rows = [request_model(ctx.state, r) for r in ctx.state.access_requests_list()
            if r["secretId"] == secretId and r["requestingUserId"] == ctx.user["id"]]
    return page(rows, ctx.query, "requestDate")


@route("GET", "/api/v1/secret-access-requests/secrets/{secretId:int}/options")
def options(ctx, secretId):
    secret = access.secret_for(ctx.state, ctx.user, secretId, "List", include_inactive=True, check_approval=False)
    kind = secret.get("requireApprovalType") or "None"
    return {"enableRequiresApprovalForAccess": kind != "None",
            "editorsAlsoRequireApproval": kind in ("RequireEditorsApproval", "RequireEveryoneApproval"),
            "ownersAndApproversAlsoRequireApproval": kind == "RequireEveryoneApproval",
            "requireCheckout": bool(secret.get("checkOutEnabled")),
            "requireCommentTicketNumber": bool(secret.get("requiresComment")), "enableDoubleLock": False,
            **_checkout_interval(secret)}


def _checkout_interval(secret) -> dict:
    minutes = secret.get("checkOutIntervalMinutes")
    if not minutes:
        return {"isDefaultCheckoutInterval": True, "customCheckoutIntervalDays": 0,
                "customCheckoutIntervalHours": 0, "customCheckoutIntervalMinutes": 0}
    return {"isDefaultCheckoutInterval": False, "customCheckoutIntervalDays": minutes // 1440,
            "customCheckoutIntervalHours": minutes % 1440 // 60, "customCheckoutIntervalMinutes": minutes % 60}


def decide(state, user, req, status, comment=None, start=None, end=None) -> dict:
    """Apply a decision (shared by the API and the HTML page). Raises the doc's 400 bodies.

    Approved needs expirationDate, Denied needs responseComment (PS checks these;
    server enforcement UNCONFIRMED but chosen in the Decisions table).
    Requesters may only cancel; approvers/owners decide.
    """
    secret = state.secrets.get(req["secretId"])
    reviewer = bool(secret and access.can_review(state, user, secret))
    if status == "Canceled":
        if req["requestingUserId"] != user["id"] and not reviewer:
            raise access_denied()
    elif not reviewer:
        raise access_denied()
    errors = {}
    allowed = {"Pending": ("Approved", "Denied", "Canceled"), "Approved": ("Denied", "Canceled")}
    if status not in allowed.get(req["status"], ()):
        errors["status"] = f"A {req['status']} request cannot become {status}."
    start = start or state.now()
    if status == "Approved":
        if end is None:
            errors["expirationDate"] = "The ExpirationDate field is required to approve a request."
        elif end <= start:
            errors["expirationDate"] = "The expiration date must be after the start date."
    if status == "Denied" and not (comment or "").strip():
        errors["responseComment"] = "The ResponseComment field is required to deny a request."
    if errors:
        raise invalid(errors)
    req.update(status=status, responseComment=comment, responseDate=iso(state.now()))
    if status != "Canceled" or reviewer and req["requestingUserId"] != user["id"]:
        req["reviewerUserId"] = user["id"]
    if status == "Approved":
        req.update(startDate=iso(start), expirationDate=iso(end))
    record(state, req, status, comment, user)
    model = request_model(state, req)
    model["actionResultMessage"] = ACTION_MESSAGES[status]
    return model


@route("PUT", "/api/v1/secret-access-requests")
def update(ctx):
    state, data = ctx.state, ctx.data()
    req_id = as_int(data.get("secretAccessRequestId"))
    status = next((s for s in UPDATE_STATUSES if s.lower() == str(data.get("status") or "").lower()), None)
    errors = {}
    if req_id is None:
        errors["secretAccessRequestId"] = "The SecretAccessRequestId field is required."
    if status is None:
        errors["status"] = "Must be one of " + ", ".join(UPDATE_STATUSES) + "."
    try:
        start, end = parse_dt(data.get("startDate")), parse_dt(data.get("expirationDate"))
    except ValueError:
        errors["expirationDate"] = "Invalid date."
    if errors:
        raise invalid(errors)
    req = _request(ctx, req_id)
    return decide(state, ctx.user, req, status, data.get("responseComment"), start, end)

