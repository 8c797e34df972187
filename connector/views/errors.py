"""Friendly error pages (wired as handler403/404/500 in scimsite/urls.py).

Each page says what happened and what to do next. The 403 page carries the product's own wording, so a
signed-in auditor who opens an administrator page reads the same sentence as at sign-in.
"""
from __future__ import annotations

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from connector.messages import MSG_NO_PERMISSION


@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "403.html", {"product_message": MSG_NO_PERMISSION}, status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "404.html", {}, status=404)


@requires_csrf_token
def server_error(request):
    """Rendered without context processors: the request may be what failed."""
    return HttpResponseServerError(loader.get_template("500.html").render())
