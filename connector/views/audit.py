"""Audit trail browser for administrators and auditors: list, one event with its diff, CSV export.

Views only parse the request, call selectors (and the cached verification service) and render; the queries
live in connector/selectors/audit.py.
"""
from __future__ import annotations

import json
import time
from html import escape  # the stdlib one: Django's lazy-aware wrapper costs 4x per cell

from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from connector.access import request_access, staff_required
from connector.listing import (audited_csv_export, keyset_list_context, keyset_page_or_first,
                               requested_sort, row_stamps)
from connector.memo import BoundedMemo
from connector.models import AuditOutcome
from connector.selectors import audit as selectors
from connector.services import audit_status

SORT_LABELS = {"-time": "Newest first", "time": "Oldest first"}


def _badge_html(outcome: str) -> str:
    return f'<span class="badge badge--{escape(outcome)}">{escape(outcome.capitalize())}</span>'


_BADGES = {outcome.value: _badge_html(outcome.value) for outcome in AuditOutcome}  # built once per process


def _rows_html(rows, zone) -> str:
    """The table body built in Python in one pass (the markup of a template loop over the rows, pinned by
    tests/unit/history/test_list_rows_html.py), one line per row like the history's (page size: see
    accessrequests/views.py). Only free text is escaped: seqs, ISO times and stamps are digits and
    punctuation by construction, outcome badges are escaped once."""
    base = escape(reverse("connector:audit-detail", args=[0])[:-2])
    both, _ = row_stamps(zone, seconds=True)
    out = []
    for e in rows:
        if e.target_type and e.target_id:
            target = f"{e.target_type} {e.target_id}"
        else:
            target = e.target_type or e.target_id
        if e.target_repr:
            target = f"{target} · {e.target_repr}" if target else e.target_repr
        iso, at = both(e.time)
        out.append(
            f'<tr><th scope="row" class="num"><a href="{base}{e.seq}/">{e.seq}</a></th>'
            f'<td class="nowrap"><time datetime="{iso}">{at}</time></td><td>{escape(e.actor_name or "—")}</td>'
            f'<td><code>{escape(e.action)}</code></td><td>{_BADGES.get(e.outcome) or _badge_html(e.outcome)}</td>'
            f'<td>{escape(target or "—")}</td><td>{escape(e.source_ip or "—")}</td></tr>\n')
    return mark_safe("".join(out))


BOX_SECONDS = 10  # "published … (5 minutes ago)" may be this late
BOX_MEMO_SIZE = 64
_box_memo = BoundedMemo(BOX_MEMO_SIZE)


def verification_box_html(trail: audit_status.TrailStatus, *, is_admin: bool) -> str:
    """The verification box's markup, remembered per process for BOX_SECONDS: it depends only on the trail
    status (itself cached for a minute), the viewer's role and time zone, and the clock for "… ago"; rendering
    its template (two includes, date filters, timesince) was a tenth of the page's server time."""
    key = (trail, is_admin, timezone.get_current_timezone_name(), int(time.time() // BOX_SECONDS))
    html = _box_memo.get(key)
    if html is None:
        html = _box_memo.put(key, mark_safe(render_to_string("connector/audit/verification_box.html", {
            "verification": trail.verification, "anchor": trail.anchor, "verify_last": audit_status.VERIFY_LAST,
            "connector_is_admin": is_admin})))
    return html


@require_GET
@staff_required
def audit_list(request):
    filterset = selectors.audit_event_filterset(request.GET)
    trail = audit_status.audit_trail_status()
    page, cursor_warning = keyset_page_or_first(request, selectors.audit_event_page, filterset)
    return render(request, "connector/audit/list.html", {
        **keyset_list_context(request, page, cursor_warning),
        "nav_section": "audit",
        "form": filterset.form,
        "rows_html": _rows_html(page.rows, timezone.get_current_timezone()),
        "sort": selectors.AUDIT_KEYSET.order(requested_sort(request)).name,
        "sort_choices": SORT_LABELS.items(),
        "verification_box": verification_box_html(trail, is_admin=request_access(request).is_admin),
    })


@require_GET
@staff_required
def audit_detail(request, seq: int):
    event = selectors.audit_event_get(seq)
    return render(request, "connector/audit/detail.html", {
        "nav_section": "audit",
        "event": event,
        "diff": event.diff(),
        "before_json": _pretty(event.states()[0]),
        "after_json": _pretty(event.states()[1]),
    })


def _pretty(value) -> str | None:
    return None if value is None else json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


@require_GET
@staff_required
def audit_export(request):
    """The filtered trail as CSV, streamed and audited."""
    return audited_csv_export(
        request, selectors.audit_event_filterset(request.GET), export_rows=selectors.audit_event_export_rows,
        header=selectors.EXPORT_COLUMNS, filename_prefix="audit-trail", action="audit.export",
        target_type="audit_event", message="Audit trail exported as CSV.")
