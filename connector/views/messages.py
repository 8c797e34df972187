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

POLL_SECONDS = 5


@admin_required
@require_GET
def messages_page(request):
    return render(request, "connector/messages/page.html", {
        "nav_section": "messages", "events": recent_messages(), "poll_seconds": POLL_SECONDS})


@admin_required
@require_GET
@never_cache
def messages_feed(request):
    return render(request, "connector/messages/_feed.html", {"events": recent_messages()})
