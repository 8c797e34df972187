"""Revocation before privileged writes: ask Secret Server, right before acting, whether this person is still
a connector administrator.

Reads keep the middleware's periodic re-check (``CONNECTOR_ACCESS_RECHECK_SECONDS``, 60 s): a revoked
person may still *read* for up to a minute. A write (settings, endpoints, tokens, setup changes) does not
rely on that minute: ``access_confirm_for_write`` runs the same re-check (``access_recheck``: this person and
the SCIMSecret, as the application account) once per write, unless the decision was made less than
``FRESH_SECONDS`` ago (in this very request, e.g. by the middleware's own re-check or a bearer token's
check). Secret Server down: the write is refused (it could not be performed anyway).
"""
from __future__ import annotations

from datetime import UTC, datetime

from connector.access import ConnectorAccess
from connector.errors import AccessRevoked
from connector.messages import MSG_NO_ACCESS
from connector.services.audit import audit_record
from connector.services.signin import access_recheck

FRESH_SECONDS = 1.0


def access_confirm_for_write(access: ConnectorAccess | None, *, request=None) -> ConnectorAccess:
    """The person's access as Secret Server decides it now; ``AccessRevoked`` (audited) when they are no longer
    an administrator, ``SecretServerUnavailable``/``SecretServerRefused`` when Secret Server cannot say."""
    if access is None or not access.is_admin:
        raise AccessRevoked(MSG_NO_ACCESS, current=access)
    now = datetime.now(UTC)
    window_over = access.access_until is not None and now >= access.access_until
    if access.checked_at and not window_over and (now - access.checked_at).total_seconds() < FRESH_SECONDS:
        return access
    result = access_recheck(access, now=now)
    if result.access is not None and result.access.is_admin:
        return result.access
    reason = result.reason or MSG_NO_ACCESS
    audit_record(action="access.write_refused", outcome="failure", actor_name=access.username, request=request,
                 target_type="connector", message=f"Re-checked with Secret Server before a write: {reason}")
    raise AccessRevoked(reason, current=result.access)
