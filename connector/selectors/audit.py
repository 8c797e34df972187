"""Reads for the audit trail browser: keyset pages, one event with its diff, the cached chain check and the
last anchor published to Secret Server (cached)."""
from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.shortcuts import get_object_or_404

from connector.filters import AuditEventFilterSet
from connector.keyset import Keyset, KeysetOrder, KeysetPage
from connector.models import AuditEvent
from connector.services.audit import ChainStatus, audit_chain_verify

# (time, id): the indexes (time), (actor_name, time), (action, time), (outcome, time) end with the row id
# implicitly on SQLite and are followed by an incremental sort of ties on PostgreSQL, so every filtered
# page is an index range scan. Ordering by seq would force a sort of all matching rows once filtered.
AUDIT_ORDERS = [
    KeysetOrder("-time", ("time", "id"), descending=True),
    KeysetOrder("time", ("time", "id"), descending=False),
]
AUDIT_KEYSET = Keyset(name="audit", orders=AUDIT_ORDERS, per_page=50)
LIST_COLUMNS = ("id", "seq", "time", "actor_name", "source_ip", "action", "target_type", "target_id",
                "target_repr", "outcome", "message")
EXPORT_COLUMNS = ("seq", "time", "actor_name", "source_ip", "request_id", "action", "target_type", "target_id",
                  "target_repr", "outcome", "message", "before", "after", "row_hash")
EXPORT_CHUNK = 2000
VERIFY_LAST = 1000
VERIFY_CACHE_KEY = "connector:audit:verify-last"
VERIFY_CACHE_SECONDS = 60
ANCHOR_CACHE_SECONDS = 300  # the published anchor: Secret Server is asked at most every 5 minutes
ANCHOR_FAILURE_CACHE_SECONDS = 60  # ... and at most every minute while it fails


def audit_event_filterset(data=None) -> AuditEventFilterSet:
    return AuditEventFilterSet(data or None, queryset=AuditEvent.objects.all())


def audit_event_page(*, filterset: AuditEventFilterSet, sort: str | None, cursor: str | None) -> KeysetPage:
    """One page of the filtered trail; raises connector.keyset.InvalidCursor for a bad cursor."""
    order = AUDIT_KEYSET.order(sort)
    return AUDIT_KEYSET.page(filterset.qs.only(*LIST_COLUMNS), order=order, cursor=cursor)


def audit_event_export_rows(*, filterset: AuditEventFilterSet, sort: str | None):
    order = AUDIT_KEYSET.order(sort)
    return filterset.qs.order_by(*order.order_by).values_list(*EXPORT_COLUMNS).iterator(chunk_size=EXPORT_CHUNK)


def audit_event_get(seq: int) -> AuditEvent:
    return get_object_or_404(AuditEvent, seq=seq)


def audit_verification_status(*, refresh: bool = False) -> ChainStatus:
    """The newest VERIFY_LAST rows checked, cached for a minute so the list page stays cheap.

    A full walk of a large trail takes minutes; that is ``manage.py verify_audit``'s job.
    """
    status = None if refresh else cache.get(VERIFY_CACHE_KEY)
    if status is None:
        status = audit_chain_verify(last=VERIFY_LAST)
        cache.set(VERIFY_CACHE_KEY, status, VERIFY_CACHE_SECONDS)
    return status


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
    from connector.services.audit_anchor import ANCHOR_CACHE_KEY, AuditAnchorError, audit_anchor_record_fetch
    from connector.services.connection import connector_is_configured

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
