"""Reads for the audit trail browser: keyset pages and one event with its diff (database only; the chain
check and the published anchor are services: connector/services/audit_status.py)."""
from __future__ import annotations


from django.shortcuts import get_object_or_404

from connector.filters import AuditEventFilterSet
from connector.keyset import Keyset, KeysetOrder, KeysetPage
from connector.models import AuditEvent

# (time, id): the indexes (time), (actor_name, time), (action, time), (outcome, time) end with the row id
# implicitly on SQLite and are followed by an incremental sort of ties on PostgreSQL, so every filtered
# page is an index range scan. Ordering by seq would force a sort of all matching rows once filtered.
AUDIT_ORDERS = [
    KeysetOrder("-time", ("time", "id"), descending=True),
    KeysetOrder("time", ("time", "id"), descending=False),
]
# The list page's columns, fetched as named tuples (50 model instances cost more than the query).
LIST_COLUMNS = ("id", "seq", "time", "actor_name", "source_ip", "action", "target_type", "target_id",
                "target_repr", "outcome")
EXPORT_COLUMNS = ("seq", "time", "actor_name", "source_ip", "request_id", "action", "target_type", "target_id",
                  "target_repr", "outcome", "message", "before", "after", "row_hash")
EXPORT_CHUNK = 2000


# What the filters narrow: the list page's rows, its columns resolved once per process (values_list() resolving
# ten names on every view was 0.2 ms of it). Never evaluated itself: FilterSet.qs starts from a clone.
LIST_ROWS = AuditEvent.objects.values_list(*LIST_COLUMNS, named=True)
AUDIT_KEYSET = Keyset(name="audit", orders=AUDIT_ORDERS, per_page=50, base=LIST_ROWS)


def audit_event_filterset(data=None) -> AuditEventFilterSet:
    """The trail's filters over LIST_ROWS (the export selects its own columns from the same filters)."""
    return AuditEventFilterSet(data or None, queryset=LIST_ROWS)


def audit_event_page(*, filterset: AuditEventFilterSet, sort: str | None, cursor: str | None) -> KeysetPage:
    """One page of the filtered trail as named tuples of LIST_COLUMNS; raises connector.keyset.InvalidCursor for
    a bad cursor."""
    order = AUDIT_KEYSET.order(sort)
    return AUDIT_KEYSET.page(filterset.qs, order=order, cursor=cursor, unfiltered=not filterset.narrows)


def audit_event_export_rows(*, filterset: AuditEventFilterSet, sort: str | None):
    order = AUDIT_KEYSET.order(sort)
    return filterset.qs.order_by(*order.order_by).values_list(*EXPORT_COLUMNS).iterator(chunk_size=EXPORT_CHUNK)


def audit_event_get(seq: int) -> AuditEvent:
    return get_object_or_404(AuditEvent, seq=seq)
