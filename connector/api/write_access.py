"""API side of the pre-write access check (connector/services/write_access.py): a DRF permission."""
from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from connector.access import SESSION_KEY, request_access, session_access_set
from connector.services.write_access import access_confirm_for_write


class AdministratorConfirmedForWrites(BasePermission):
    """Reads pass; a write asks Secret Server first. Refusals (``AccessRevoked`` 403, Secret Server down 503)
    are connector errors, rendered by the API's one exception handler."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        fresh = access_confirm_for_write(request_access(request), request=request._request)
        if SESSION_KEY in request._request.session:  # a signed-in page session; bearer callers have none
            session_access_set(request._request, fresh)
        else:
            request._request.connector_access = fresh
        return True
