"""Keeping the local access-request mirror in step with Secret Server.

Secret Server owns the workflow. ``access_request_apply`` writes what it says about one request into the
mirror: a compare-and-set on the status (so concurrent workers agree on who records a change) plus the
unique (request, status) event row as the backstop, and one audit row per change in the same
transaction (if the audit row cannot be written, the change is not recorded either).
``access_request_sync`` refreshes every request for the SCIMSecret through the application account.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import IntegrityError, transaction

from accessrequests.models import AccessRequest, AccessRequestEvent, AccessRequestStatus
from connector.models import SecretServerIdentity
from connector.secretserver import AccessRequest as SSAccessRequest
from connector.secretserver import SecretServerClient
from connector.services.audit import audit_record
from connector.services.connection import app_client, bootstrap_require
from connector.services.failures import translates_secretserver_errors

logger = logging.getLogger(__name__)

AUDIT_ACTIONS = {
    AccessRequestStatus.PENDING: "access_request.filed",
    AccessRequestStatus.APPROVED: "access_request.approved",
    AccessRequestStatus.DENIED: "access_request.denied",
    AccessRequestStatus.CANCELED: "access_request.canceled",
    AccessRequestStatus.EXPIRED: "access_request.expired",
}


def effective_status(ss: SSAccessRequest, now: datetime) -> str:
    """Secret Server's status, with Approved-past-expiration read as Expired even before it says so."""
    status = next((s for s in AccessRequestStatus.values if s.lower() == ss.status.lower()), None)
    if status is None:  # WaitingForRequest and unknown states: still waiting for a decision
        status = AccessRequestStatus.PENDING
    if status == AccessRequestStatus.APPROVED and ss.expiration_date and ss.expiration_date <= now:
        status = AccessRequestStatus.EXPIRED
    return status


def _requester_for(ss: SSAccessRequest):
    link = SecretServerIdentity.objects.select_related("user").filter(ss_user_id=ss.requesting_user_id).first()
    return link.user if link else None


def _fields(ss: SSAccessRequest, requester) -> dict:
    values = {
        "secret_id": ss.secret_id,
        "requester_ss_id": ss.requesting_user_id,
        "requester_name": (ss.request_username or "")[:255],
        "requested_at": ss.request_date or datetime.now(UTC),
        "comment": ss.request_comment or "",
        "reviewer_name": (ss.approver_display_name or "")[:255],
        "justification": ss.response_comment or "",
        "reviewed_at": ss.response_date,
        "window_start": ss.start_date,
        "window_end": ss.expiration_date,
    }
    if requester is not None:
        values["requester"] = requester
    return values


def _event_time(status: str, ss: SSAccessRequest, now: datetime) -> datetime:
    if status == AccessRequestStatus.PENDING:
        return ss.request_date or now
    if status == AccessRequestStatus.EXPIRED:
        return min(ss.expiration_date, now) if ss.expiration_date else now
    return ss.response_date or now


def _record_change(row: AccessRequest, from_status: str, status: str, ss: SSAccessRequest, now: datetime,
                   request=None) -> bool:
    """Event row + audit row for one change (caller holds a transaction). False if already recorded."""
    try:
        with transaction.atomic():
            event = AccessRequestEvent.objects.create(
                request=row, time=_event_time(status, ss, now), from_status=from_status, status=status,
                actor_name=(ss.request_username if status == AccessRequestStatus.PENDING
                            else ss.approver_display_name if status != AccessRequestStatus.EXPIRED else "")[:255],
                justification="" if status == AccessRequestStatus.PENDING else (ss.response_comment or ""),
                window_start=ss.start_date, window_end=ss.expiration_date)
    except IntegrityError:
        return False
    audit_record(action=AUDIT_ACTIONS[status], outcome="success", actor_name=event.actor_name or "Secret Server",
                 target_type="access_request", target_id=row.ss_request_id, target_repr=str(row)[:200],
                 before={"status": from_status} if from_status else None,
                 after={"status": status, "window_end": ss.expiration_date}, message=event.justification[:500],
                 request=request)
    return True


def access_request_apply(ss: SSAccessRequest, *, requester=None, request=None,
                         now: datetime | None = None) -> tuple[AccessRequest, int]:
    """Mirror one Secret Server request; returns (row, number of status changes recorded)."""
    now = now or datetime.now(UTC)
    status = effective_status(ss, now)
    requester = requester or _requester_for(ss)
    values = _fields(ss, requester)
    row = AccessRequest.objects.filter(ss_request_id=ss.id).first()
    if row is None:
        try:
            with transaction.atomic():
                row = AccessRequest.objects.create(ss_request_id=ss.id, status=status, **values)
                changes = int(_record_change(row, "", AccessRequestStatus.PENDING, ss, now, request))
                if status != AccessRequestStatus.PENDING:
                    changes += int(_record_change(row, AccessRequestStatus.PENDING, status, ss, now, request))
                return row, changes
        except IntegrityError:  # another worker created it first: fall through to the update path
            row = AccessRequest.objects.get(ss_request_id=ss.id)
    if row.status == status:
        changed = {k: v for k, v in values.items() if getattr(row, k if k != "requester" else "requester_id")
                   != (v.pk if k == "requester" else v)}
        if changed:
            AccessRequest.objects.filter(pk=row.pk).update(**changed)
        return row, 0
    with transaction.atomic():
        won = AccessRequest.objects.filter(pk=row.pk, status=row.status).update(status=status, **values)
        if not won:  # compare-and-set lost: someone else recorded this change
            return AccessRequest.objects.get(pk=row.pk), 0
        from_status = row.status
        row.refresh_from_db()
        recorded = _record_change(row, from_status, status, ss, now, request)
    return row, int(recorded)


@dataclass
class SyncResult:
    seen: int = 0
    changes: int = 0
    expired_locally: int = 0


@translates_secretserver_errors
def access_request_sync(client: SecretServerClient | None = None, progress=None, *, request=None,
                        now: datetime | None = None) -> SyncResult:
    """Refresh every mirrored request for the SCIMSecret from Secret Server (application account).

    ``progress`` is optional: ``progress(total)`` is called once, then ``progress.update(1)``-style via
    the returned callable per request, so a tqdm bar or a plain counter both fit. Raises ConnectorError
    (ConnectorNotConfigured, SecretServerUnavailable, SecretServerRefused).
    """
    now = now or datetime.now(UTC)
    bootstrap = bootstrap_require()
    client = client or app_client(bootstrap)
    remote = [r for r in client.search_access_requests(secret_id=bootstrap.scim_secret_id)  # assumed filter: see
              if r.secret_id == bootstrap.scim_secret_id]  # docs/secretserver-api-extensions.md
    step = progress(len(remote)) if progress else None
    result = SyncResult(seen=len(remote))
    for ss in sorted(remote, key=lambda r: r.id):
        _row, changes = access_request_apply(ss, request=request, now=now)
        result.changes += changes
        if step:
            step(1)
    # Approved rows whose window has passed but that Secret Server no longer lists: expire them locally.
    seen_ids = {r.id for r in remote}
    for row in AccessRequest.objects.filter(status=AccessRequestStatus.APPROVED, window_end__lte=now).exclude(
            ss_request_id__in=seen_ids):
        with transaction.atomic():
            if AccessRequest.objects.filter(pk=row.pk, status=AccessRequestStatus.APPROVED).update(
                    status=AccessRequestStatus.EXPIRED):
                ss = SSAccessRequest(id=row.ss_request_id, secret_id=row.secret_id, status="Expired",
                                     request_username=row.requester_name, expiration_date=row.window_end)
                if _record_change(row, AccessRequestStatus.APPROVED, AccessRequestStatus.EXPIRED, ss, now, request):
                    result.expired_locally += 1
                    result.changes += 1
    return result
