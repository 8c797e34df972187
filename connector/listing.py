"""View glue shared by the keyset list pages (access-request history, audit trail) and their CSV exports.

Both lists page with signed cursors, keep the filters in every link and audit each export; the queries stay
in each app's selectors, only the request handling lives here.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC

from django.utils import timezone

from connector.csv_export import csv_streaming_response
from connector.keyset import InvalidCursor, KeysetPage
from connector.memo import BoundedMemo
from connector.querystring import query_with
from connector.services.audit import audit_record

_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu"})
_utc_zones = BoundedMemo(64)  # tzinfo -> "is UTC": a handful of zone objects per process


def _is_utc(zone) -> bool:
    known = _utc_zones.get(zone)
    if known is None:
        known = _utc_zones.put(zone, zone is UTC or getattr(zone, "key", None) in _UTC_NAMES)
    return known


def local_stamp(value, zone, *, seconds: bool = False) -> str:
    """``strftime("%Y-%m-%d %H:%M[:%S]")`` of ``value`` in ``zone`` for list rows, at a tenth of strftime's cost
    (strftime was the largest single cost of building 50 history or audit rows): ``isoformat`` of the naive local
    time is one C call without an offset to compute, and always writes the year with four digits. A UTC value
    shown in UTC (the database's times in the default zone) skips the zone conversion."""
    if not value:
        return ""
    if not (_is_utc(value.tzinfo) and _is_utc(zone)):
        value = value.astimezone(zone)
    return value.replace(tzinfo=None).isoformat(" ", "seconds" if seconds else "minutes")


def iso_seconds(value) -> str:
    """``value.isoformat(timespec="seconds")`` (a ``<time datetime>`` attribute): for a UTC value, the naive
    isoformat and a fixed "+00:00", a third of the cost of asking the zone for its offset."""
    if _is_utc(value.tzinfo):
        return value.replace(tzinfo=None).isoformat(timespec="seconds") + "+00:00"
    return value.isoformat(timespec="seconds")


def row_stamps(zone, *, seconds: bool = False):
    """``(both, local)`` for one page of rows: ``both(value)`` is ``(iso_seconds(value), local_stamp(value, zone,
    seconds=…))`` and ``local(value)`` the second alone. A UTC value shown in UTC (the common case) is
    formatted once, and both texts are cut from that one string: ``isoformat`` was most of a row's cost."""
    if not _is_utc(zone):
        return (lambda value: (iso_seconds(value), local_stamp(value, zone, seconds=seconds)),
                lambda value: local_stamp(value, zone, seconds=seconds))
    cut = 19 if seconds else 16  # "YYYY-MM-DD HH:MM:SS"[:cut]

    def both(value):
        if not _is_utc(value.tzinfo):
            return iso_seconds(value), local_stamp(value, zone, seconds=seconds)
        text = value.replace(tzinfo=None).isoformat(" ", "seconds")
        return f"{text[:10]}T{text[11:]}+00:00", text[:cut]

    def local(value):
        if not _is_utc(value.tzinfo):
            return local_stamp(value, zone, seconds=seconds)
        return value.replace(tzinfo=None).isoformat(" ", "seconds")[:cut]

    return both, local


INVALID_CURSOR = "That page link is no longer valid; showing the first page."
NOT_FILTERS = ("cursor", "sort")  # query parameters that move through or order the list without narrowing it


def requested_sort(request) -> str | None:
    return request.GET.get("sort") or None


def keyset_page_or_first(request, fetch_page: Callable[..., KeysetPage], filterset) -> tuple[KeysetPage, str | None]:
    """The requested page and no warning; a stale or forged cursor gives the first page and a notice instead
    of an error page (bookmarked links outlive sort orders and signing keys)."""
    sort = requested_sort(request)
    try:
        return fetch_page(filterset=filterset, sort=sort, cursor=request.GET.get("cursor")), None
    except InvalidCursor:
        return fetch_page(filterset=filterset, sort=sort, cursor=None), INVALID_CURSOR


def keyset_list_context(request, page: KeysetPage, cursor_warning: str | None) -> dict:
    """The template context every keyset list shares: previous/next and export links that keep the filters."""
    return {
        "page": page,
        "page_prev_url": query_with(request, cursor=page.prev_cursor) if page.prev_cursor else None,
        "page_next_url": query_with(request, cursor=page.next_cursor) if page.next_cursor else None,
        "export_url": query_with(request, cursor=None),
        "cursor_warning": cursor_warning,
        "is_filtered": any(v for k, v in request.GET.items() if k not in NOT_FILTERS),
    }


def audited_csv_export(request, filterset, *, export_rows: Callable[..., Iterable], header: Iterable[str],
                       filename_prefix: str, action: str, target_type: str, message: str):
    """The filtered list as streamed CSV; the export itself is audited once, before the first byte."""
    filterset.is_valid()
    sort = requested_sort(request)
    applied = {k: v for k, v in request.GET.items() if k != "cursor" and v}
    audit_record(action=action, outcome="success", request=request, target_type=target_type,
                 after={"filters": applied}, message=message)
    rows = export_rows(filterset=filterset, sort=sort)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return csv_streaming_response(filename=f"{filename_prefix}-{stamp}.csv", header=header, rows=rows)
