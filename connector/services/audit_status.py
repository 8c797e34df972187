"""The audit trail page's verification box: the newest rows' chain check and the last anchor published to
Secret Server, both cached so the page stays cheap and never asks Secret Server on every view."""
from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from connector.models import AuditEvent
from connector.services.audit import ChainStatus, audit_chain_verify
from connector.services.audit_anchor import ANCHOR_CACHE_KEY, AuditAnchorError, audit_anchor_record_fetch
from connector.services.connection import connector_is_configured
from connector.services.local_memo import MISSING, LocalMemo

VERIFY_LAST = 1000
VERIFY_CACHE_SECONDS = 60
TRAIL_STATUS_CACHE_KEY = "connector:audit:trail-status"  # both checks as the page shows them
ANCHOR_CACHE_SECONDS = 300  # the published anchor: Secret Server is asked at most every 5 minutes
ANCHOR_FAILURE_CACHE_SECONDS = 60  # ... and at most every minute while it fails


@dataclass(frozen=True)
class AnchorStatus:
    """The last anchor published to Secret Server, for the verification box.

    ``state``: "ok" (the local chain still holds it), "missing" (it does not: rows were deleted),
    "none" (never published), "unavailable" (Secret Server failed), "not_configured".
    """

    state: str
    seq: int | None = None
    at: object = None


def audit_anchor_status(*, refresh: bool = False) -> AnchorStatus:
    """Cached read of the published anchor (never one Secret Server call per page view), then one local lookup."""
    cached = None if refresh else cache.get(ANCHOR_CACHE_KEY)
    if cached is None:
        if not connector_is_configured():
            return AnchorStatus("not_configured")
        try:
            record = audit_anchor_record_fetch()
        except AuditAnchorError:
            cached, seconds = {"state": "unavailable"}, ANCHOR_FAILURE_CACHE_SECONDS
        else:
            seconds = ANCHOR_CACHE_SECONDS
            cached = ({"state": "none"} if record is None else
                      {"seq": record.anchor.seq, "row_hash": record.anchor.row_hash, "at": record.at})
        cache.set(ANCHOR_CACHE_KEY, cached, seconds)
    if "seq" not in cached:
        return AnchorStatus(cached["state"])
    in_chain = AuditEvent.objects.filter(seq=cached["seq"], row_hash=cached["row_hash"]).exists()
    return AnchorStatus("ok" if in_chain else "missing", cached["seq"], cached["at"])


@dataclass(frozen=True)
class TrailStatus:
    """The audit page's verification box: the newest rows' chain check and the published anchor."""

    verification: ChainStatus
    anchor: AnchorStatus


def audit_trail_status() -> TrailStatus:
    """Both checks, remembered together for VERIFY_CACHE_SECONDS: a warm view costs one cache read and no query
    (the anchor's "does the local chain still hold it" lookup used to run on every view), and a busy worker
    reads the cache at most every 2 s. A row deleted under the anchor is therefore shown within about a minute,
    as the chain check already was; the page says so."""
    status = _trail_status.get()  # this process asked less than 2 s ago (connector/services/local_memo.py)
    if status is MISSING:
        status = cache.get(TRAIL_STATUS_CACHE_KEY)
        if status is None:
            # only the newest rows: a full walk of a large trail takes minutes (manage.py verify_audit)
            status = TrailStatus(audit_chain_verify(last=VERIFY_LAST), audit_anchor_status())
            cache.set(TRAIL_STATUS_CACHE_KEY, status, VERIFY_CACHE_SECONDS)
        _trail_status.put(status)
    return status


_trail_status = LocalMemo()
