"""Audit trail browser for administrators and auditors: list, one event with its diff, CSV export.

Views only parse the request, call selectors (and the cached verification service) and render; the queries
live in connector/selectors/audit.py.
"""
from __future__ import annotations

import json
from html import escape  # the stdlib one: Django's lazy-aware wrapper costs 4x per cell

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from connector.access import staff_required
from connector.listing import (audited_csv_export, keyset_list_context, keyset_page_or_first, local_stamp,
                               requested_sort)
from connector.selectors import audit as selectors
from connector.services import audit_status

SORT_LABELS = {"-time": "Newest first", "time": "Oldest first"}


def _rows(page) -> list[dict]:
    """Table cells formatted once in Python (cheaper than 50 rows of template filters and {% url %})."""
    base = reverse("connector:audit-detail", args=[0])[:-2]
    rows = []
    zone = timezone.get_current_timezone()
    for e in page.rows:
        target = " ".join(x for x in (e.target_type, e.target_id) if x)
        if e.target_repr:
            target = f"{target} · {e.target_repr}" if target else e.target_repr
        rows.append({"url": f"{base}{e.seq}/", "seq": e.seq, "iso": e.time.isoformat(),
                     "time": local_stamp(e.time, zone, seconds=True),
                     "actor": e.actor_name or "—", "action": e.action, "outcome": e.outcome,
                     "outcome_label": e.outcome.capitalize(), "target": target or "—",
                     "source_ip": e.source_ip or "—"})
    return rows


def _rows_html(rows: list[dict]) -> str:
    """The table body built in Python (same markup as the template loop it replaces, at a tenth of the cost)."""
    return mark_safe("".join(
        f'\n    <tr>\n      <th scope="row" class="num"><a href="{escape(r["url"])}">{r["seq"]}</a></th>\n'
        f'      <td class="nowrap"><time datetime="{escape(r["iso"])}">{escape(r["time"])}</time></td>\n'
        f'      <td>{escape(r["actor"])}</td>\n      <td><code>{escape(r["action"])}</code></td>\n'
        f'      <td><span class="badge badge--{escape(r["outcome"])}">{escape(r["outcome_label"])}</span></td>\n'
        f'      <td>{escape(r["target"])}</td>\n      <td>{escape(r["source_ip"])}</td>\n    </tr>' for r in rows))


@require_GET
@staff_required
def audit_list(request):
    filterset = selectors.audit_event_filterset(request.GET)
    page, cursor_warning = keyset_page_or_first(request, selectors.audit_event_page, filterset)
    rows = _rows(page)
    return render(request, "connector/audit/list.html", {
        **keyset_list_context(request, page, cursor_warning),
        "nav_section": "audit",
        "form": filterset.form,
        "rows": rows,
        "rows_html": _rows_html(rows),
        "sort": selectors.AUDIT_KEYSET.order(requested_sort(request)).name,
        "sort_choices": SORT_LABELS.items(),
        "verification": audit_status.audit_verification_status(),
        "anchor": audit_status.audit_anchor_status(),
        "verify_last": audit_status.VERIFY_LAST,
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
