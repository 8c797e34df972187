"""Reads for the access-request history, its export, detail page and dashboard (no writes here)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accessrequests.filters import AccessRequestFilterSet
from accessrequests.models import AccessRequest, AccessRequestStatus
from connector.day_filters import day_start
from connector.keyset import Keyset, KeysetOrder, KeysetPage

# Each order ends with the unique id and is backed by an index that starts with the same columns.
HISTORY_ORDERS = [
    KeysetOrder("-requested_at", ("requested_at", "id"), descending=True),  # ar_requested
    KeysetOrder("requested_at", ("requested_at", "id"), descending=False),
    KeysetOrder("requester", ("requester_name", "requested_at", "id"), descending=False),  # ar_requester_requested
    KeysetOrder("-requester", ("requester_name", "requested_at", "id"), descending=True),
    KeysetOrder("status", ("status", "requested_at", "id"), descending=False),  # ar_status_requested
    KeysetOrder("-status", ("status", "requested_at", "id"), descending=True),
]
SORT_LABELS = {
    "-requested_at": "Newest first",
    "requested_at": "Oldest first",
    "requester": "Requester (A–Z)",
    "-requester": "Requester (Z–A)",
    "status": "Status (A–Z)",
    "-status": "Status (Z–A)",
}
EXPORT_CHUNK = 2000
# The list page's columns, fetched as named tuples: building 50 model instances cost more than the query.
LIST_COLUMNS = ("id", "requested_at", "requester_name", "status", "comment", "reviewer_name", "window_start",
                "window_end")
EXPORT_COLUMNS = ("ss_request_id", "requester_name", "status", "requested_at", "comment", "reviewer_name",
                  "justification", "reviewed_at", "window_start", "window_end")


# What the filters narrow: the list page's rows, its columns resolved once per process (values_list() resolving
# eight names on every view was 0.1-0.2 ms of it). Never evaluated itself: FilterSet.qs starts from a clone.
LIST_ROWS = AccessRequest.objects.values_list(*LIST_COLUMNS, named=True)
HISTORY_KEYSET = Keyset(name="history", orders=HISTORY_ORDERS, per_page=50, base=LIST_ROWS)


def access_request_filterset(data=None) -> AccessRequestFilterSet:
    """The history's filters over LIST_ROWS (the export selects its own columns from the same filters)."""
    return AccessRequestFilterSet(data or None, queryset=LIST_ROWS)


def access_request_page(*, filterset: AccessRequestFilterSet, sort: str | None, cursor: str | None) -> KeysetPage:
    """One page of the filtered history as named tuples of LIST_COLUMNS; raises connector.keyset.InvalidCursor
    for a bad cursor."""
    order = HISTORY_KEYSET.order(sort)
    return HISTORY_KEYSET.page(filterset.qs, order=order, cursor=cursor, unfiltered=not filterset.narrows)


def access_request_export_rows(*, filterset: AccessRequestFilterSet, sort: str | None):
    """Every filtered row as a tuple of EXPORT_COLUMNS, fetched in chunks (constant memory)."""
    order = HISTORY_KEYSET.order(sort)
    return filterset.qs.order_by(*order.order_by).values_list(*EXPORT_COLUMNS).iterator(chunk_size=EXPORT_CHUNK)


def access_request_get(pk: int) -> AccessRequest:
    """The request with its timeline (events in time order), or 404."""
    request = get_object_or_404(AccessRequest, pk=pk)
    request.timeline = list(request.events.order_by("time", "id"))
    return request


# --- dashboard ---------------------------------------------------------------------------------------------

OUTCOME_ORDER = [s.value for s in AccessRequestStatus]


@dataclass
class DayCounts:
    day: date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def access_request_daily_counts(*, days: int = 30, now: datetime | None = None) -> list[DayCounts]:
    """Requests filed per day (current time zone) by their current status, oldest day first, zero-filled."""
    now = timezone.localtime(now or timezone.now())
    first = now.date() - timedelta(days=days - 1)
    rows = (AccessRequest.objects.filter(requested_at__gte=day_start(first))
            .annotate(day=TruncDate("requested_at", tzinfo=timezone.get_current_timezone()))
            .values_list("day", "status").annotate(n=Count("id")).order_by())
    buckets = {first + timedelta(days=i): dict.fromkeys(OUTCOME_ORDER, 0) for i in range(days)}
    for day, status, n in rows:
        if day in buckets and status in buckets[day]:
            buckets[day][status] += n
    return [DayCounts(day, counts) for day, counts in buckets.items()]


def access_request_pending_count() -> int:
    return AccessRequest.objects.filter(status=AccessRequestStatus.PENDING).count()


def access_request_active_grants(*, now: datetime | None = None, limit: int = 100) -> QuerySet:
    """Approved requests whose window has not ended yet, soonest end first (index ar_status_window_end)."""
    return (AccessRequest.objects.filter(status=AccessRequestStatus.APPROVED, window_end__gt=now or timezone.now())
            .order_by("window_end", "id")[:limit])
