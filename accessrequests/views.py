"""Access-request history pages for administrators and auditors: list, detail, CSV export, dashboard.

Views only parse the request, call selectors and render; the queries live in accessrequests/selectors.py.
"""
from __future__ import annotations

import logging
from html import escape  # the stdlib one: Django's lazy-aware wrapper costs 4x per cell

from django.core.cache import cache
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from accessrequests import selectors
from accessrequests.charts import daily_outcome_chart
from accessrequests.models import AccessRequestStatus
from accessrequests.services import access_request_sync
from connector.access import staff_required
from connector.messages import MSG_SYNC_UNAVAILABLE_PREFIX, MSG_UNAVAILABLE
from connector.services.connection import connector_is_configured
from connector.services.local_memo import MISSING, LocalMemo
from connector.listing import (audited_csv_export, keyset_list_context, keyset_page_or_first,
                               requested_sort, row_stamps)

logger = logging.getLogger(__name__)

SYNC_THROTTLE_KEY = "accessrequests:history:synced"
SYNC_FAILED_KEY = "accessrequests:history:sync-failed"
SYNC_THROTTLE_SECONDS = 30
SYNC_UNAVAILABLE = f"{MSG_SYNC_UNAVAILABLE_PREFIX} {MSG_UNAVAILABLE}"


def _sync_history() -> str | None:
    """Refresh the mirror from Secret Server at most once per 30 s; return a warning if it failed.

    Opening the history should show current data, but a slow or down Secret Server must not make the page
    slow or broken: the mirror is shown as last synchronised, with a warning.
    """
    if not connector_is_configured():
        return None
    remembered = _sync_state.get()  # this process asked less than 2 s ago: no cache round trip
    if remembered is not MISSING:
        return remembered
    state = cache.get_many([SYNC_THROTTLE_KEY, SYNC_FAILED_KEY])  # inside the window: one cache round trip
    if SYNC_THROTTLE_KEY in state or not cache.add(SYNC_THROTTLE_KEY, True, SYNC_THROTTLE_SECONDS):
        warning = SYNC_UNAVAILABLE if state.get(SYNC_FAILED_KEY) or (
            SYNC_THROTTLE_KEY not in state and cache.get(SYNC_FAILED_KEY)) else None
        _sync_state.put(warning)
        return warning
    try:
        access_request_sync()
    except Exception as exc:  # any failure of the remote side; the page still shows the mirror
        logger.warning("access request sync failed: %s", type(exc).__name__)
        cache.set(SYNC_FAILED_KEY, True, SYNC_THROTTLE_SECONDS)
        _sync_state.put(SYNC_UNAVAILABLE)
        return SYNC_UNAVAILABLE
    cache.delete(SYNC_FAILED_KEY)
    _sync_state.put(None)
    return None


# The answer above, reused by this process for 2 s (a sync may start up to 2 s after the window ends, a warning
# show or go up to 2 s late): connector/services/local_memo.py.
_sync_state = LocalMemo()


def _badge_html(status: str) -> str:
    return f'<span class="badge badge--{escape(status.lower())}">{escape(status)}</span>'


_BADGES = {status.value: _badge_html(status.value) for status in AccessRequestStatus}  # built once per process


def _rows_html(rows, zone) -> str:
    """The table body built in Python in one pass over the rows (same markup as the template loop it
    replaced, pinned by tests/unit/history/test_list_rows_html.py). Only free text is escaped: ids, ISO times
    and stamps are digits and punctuation by construction, badges are escaped once."""
    base = escape(reverse("accessrequests:detail", args=[0])[:-2])
    both, local = row_stamps(zone)
    out = []
    for ar in rows:
        comment = ar.comment if len(ar.comment) <= 80 else ar.comment[:79] + "…"
        iso, requested = both(ar.requested_at)
        window = f"{local(ar.window_start)} – {local(ar.window_end)}" if ar.window_start else "—"
        out.append(
            f'<tr><th scope="row" class="nowrap"><a href="{base}{ar.id}/"><time datetime="{iso}">{requested}</time>'
            f'</a></th><td>{escape(ar.requester_name)}</td><td>{_BADGES.get(ar.status) or _badge_html(ar.status)}'
            f'</td><td>{escape(comment)}</td><td>{escape(ar.reviewer_name or "—")}</td>'
            f'<td class="nowrap">{window}</td></tr>\n')
    return mark_safe("".join(out))


@require_GET
@staff_required
def history(request):
    sync_warning = _sync_history()
    filterset = selectors.access_request_filterset(request.GET)
    page, cursor_warning = keyset_page_or_first(request, selectors.access_request_page, filterset)
    order = selectors.HISTORY_KEYSET.order(requested_sort(request))
    return render(request, "accessrequests/history.html", {
        **keyset_list_context(request, page, cursor_warning),
        "nav_section": "history",
        "filterset": filterset,
        "form": filterset.form,
        "rows_html": _rows_html(page.rows, timezone.get_current_timezone()),
        "sort": order.name,
        "sort_choices": selectors.SORT_LABELS.items(),
        "sync_warning": sync_warning,
    })


@require_GET
@staff_required
def detail(request, pk: int):
    access_request = selectors.access_request_get(pk)
    return render(request, "accessrequests/detail.html", {
        "nav_section": "history", "ar": access_request, "timeline": access_request.timeline,
    })


@require_GET
@staff_required
def export(request):
    """The filtered history as CSV, streamed and audited."""
    return audited_csv_export(
        request, selectors.access_request_filterset(request.GET), export_rows=selectors.access_request_export_rows,
        header=selectors.EXPORT_COLUMNS, filename_prefix="access-request-history", action="history.export",
        target_type="access_request", message="Access-request history exported as CSV.")


@require_GET
@staff_required
def dashboard(request):
    days = selectors.access_request_daily_counts(days=30)
    return render(request, "accessrequests/dashboard.html", {
        "nav_section": "history",
        "days": days,
        "statuses": selectors.OUTCOME_ORDER,
        "chart": daily_outcome_chart(days, selectors.OUTCOME_ORDER),
        "pending_count": selectors.access_request_pending_count(),
        "active_grants": list(selectors.access_request_active_grants()),
        "now": timezone.now(),
    })
