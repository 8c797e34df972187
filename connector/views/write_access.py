"""Who may write on a page: the pre-write access check, and read-only pages for auditors.

``staff_reads_admin_writes``: administrators use the page; auditors may only read it (GET), as the API lets
them (``IsConnectorStaffReadOnly``): UI and API agree on who sees settings and endpoints.

Pages' side of the pre-write access check (connector/services/write_access.py):

``admin_write_confirmed`` wraps an administrator page: a POST first asks Secret Server whether the person is
still an administrator. No access any more: signed out, told why (as the periodic re-check does). Now an
auditor: the session says so and the write is refused (403). Secret Server cannot say: the page again with
the message; nothing was written.
"""
from __future__ import annotations

import functools

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from connector.access import request_access, session_access_set
from connector.messages import MSG_NO_ACCESS
from connector.errors import AccessRevoked, ConnectorError
from connector.middleware import NOTICE_KEY
from connector.services.write_access import access_confirm_for_write
from connector.views.failures import error_to_messages

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def staff_reads_admin_writes(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        access = request_access(request)
        if access is None:
            return redirect_to_login(request.get_full_path())
        if not (access.is_admin or (access.is_auditor and request.method in SAFE_METHODS)):
            raise PermissionDenied(MSG_NO_ACCESS)
        return view(request, *args, **kwargs)

    return wrapped


def is_read_only(request) -> bool:
    """The page is shown read-only: the person is not an administrator (an auditor)."""
    access = request_access(request)
    return access is None or not access.is_admin


def form_read_only(*forms) -> None:
    """Every field of these forms (and formsets) shown but not editable."""
    for form in forms:
        for each in getattr(form, "forms", None) or [form]:
            for field in each.fields.values():
                field.disabled = True


def admin_write_confirmed(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            return view(request, *args, **kwargs)
        try:
            fresh = access_confirm_for_write(request_access(request), request=request)
        except AccessRevoked as exc:
            if exc.current is None:
                logout(request)
                request.session[NOTICE_KEY] = exc.message
                return redirect_to_login(request.get_full_path())
            session_access_set(request, exc.current)
            raise PermissionDenied(exc.message) from None
        except ConnectorError as exc:
            error_to_messages(request, exc)
            return redirect(request.get_full_path())
        session_access_set(request, fresh)
        return view(request, *args, **kwargs)

    return wrapped
