"""Who may do what in the connector: roles decided by Secret Server, carried in the session.

The sign-in flow (connector/services/signin.py) decides a person's role with Secret Server and stores a
``ConnectorAccess`` in the session; ``ConnectorAccessMiddleware`` loads it on every request (and re-checks
it with Secret Server at most once a minute) into ``request.connector_access``. Views and API views only
read ``request.connector_access`` through the decorators and DRF permissions below.
"""
from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from connector.messages import MSG_NO_ACCESS

SESSION_KEY = "connector_access"


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    AUDITOR = "auditor"


@dataclass(frozen=True)
class ConnectorAccess:
    """What Secret Server said about this person at their last check."""

    role: Role
    ss_user_id: int
    username: str
    display_name: str = ""
    via: str = ""  # "share" (SCIMSecret shared with them), "request" (approved access request), "group"
    access_until: datetime | None = None  # end of an approved request's window
    checked_at: datetime | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def is_auditor(self) -> bool:
        return self.role == Role.AUDITOR

    @property
    def label(self) -> str:
        if self.is_admin:
            return "Administrator (temporary)" if self.access_until else "Administrator"
        return "Auditor"

    def to_session(self) -> dict:
        data = asdict(self)
        data["role"] = str(self.role)
        for key in ("access_until", "checked_at"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_session(cls, data: dict | None) -> ConnectorAccess | None:
        if not data:
            return None
        try:
            values = dict(data)
            values["role"] = Role(values["role"])
            for key in ("access_until", "checked_at"):
                values[key] = datetime.fromisoformat(values[key]) if values.get(key) else None
            return cls(**values)
        except (KeyError, TypeError, ValueError):
            return None


def session_access_set(request, access: ConnectorAccess) -> None:
    request.session[SESSION_KEY] = access.to_session()
    request.connector_access = access


def session_access_get(request) -> ConnectorAccess | None:
    return ConnectorAccess.from_session(request.session.get(SESSION_KEY))


def request_access(request) -> ConnectorAccess | None:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return None
    return getattr(request, "connector_access", None)


def _role_required(check):
    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            access = request_access(request)
            if access is None:
                return redirect_to_login(request.get_full_path())
            if not check(access):
                raise PermissionDenied(MSG_NO_ACCESS)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


admin_required = _role_required(lambda a: a.is_admin)
"""View decorator: only connector administrators (access to the SCIMSecret)."""

staff_required = _role_required(lambda a: a.is_admin or a.is_auditor)
"""View decorator: administrators and auditors (read-only pages: history, audit trail)."""


class IsConnectorAdministrator(BasePermission):
    message = MSG_NO_ACCESS

    def has_permission(self, request, view):
        access = request_access(request)
        return bool(access and access.is_admin)


class IsConnectorStaffReadOnly(BasePermission):
    """Administrators may do anything the view allows; auditors may only read."""

    message = MSG_NO_ACCESS

    def has_permission(self, request, view):
        access = request_access(request)
        if access is None:
            return False
        return access.is_admin or (access.is_auditor and request.method in SAFE_METHODS)
