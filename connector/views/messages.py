"""Messages: a live view of the newest events (administrators only).

The page renders the list once; static/js/app.js then re-fetches the fragment (``messages_feed``) every
few seconds. The fragment is never cached, so a paused-and-resumed view shows what is true now.
"""
from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from connector.access import admin_required
from connector.selectors.messages import recent_messages
from connector.services.configuration_service import settings_current
from scim.selectors import recent_scim_requests, scim_refused_reason

POLL_SECONDS = 5


@admin_required
@require_GET
def messages_page(request):
    return render(request, "connector/messages/page.html", {
        "nav_section": "messages", "poll_seconds": POLL_SECONDS, **_feed_context()})


@admin_required
@require_GET
@never_cache
def messages_feed(request):
    return render(request, "connector/messages/_feed.html", _feed_context())


def _feed_context() -> dict:
    """Audit events, the SCIM requests (issue 11) and why SCIM is disabled, if it is."""
    return {"events": recent_messages(), "scim_requests": recent_scim_requests(),
            "scim_disabled_reason": scim_refused_reason(settings_current())}
