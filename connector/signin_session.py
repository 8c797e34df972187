"""What a sign-in leaves in the session, and how long a session may live.

Session keys: the ConnectorAccess (connector.access), the sign-in time and the last activity (epoch
seconds), and the idle limit in minutes taken from the settings at sign-in and at every re-check (so the
middleware never has to read the settings from Secret Server on an ordinary request).
"""
from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from connector.access import session_access_set

SIGNED_IN_AT = "connector_signed_in_at"
LAST_ACTIVITY = "connector_last_activity"
IDLE_MINUTES = "connector_idle_minutes"


def absolute_max_seconds() -> int:
    return settings.CONNECTOR_SESSION_MAX_SECONDS


def session_start(request, idle_minutes: int | None) -> None:
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVITY] = now
    request.session[IDLE_MINUTES] = int(idle_minutes or 60)


@receiver(user_logged_in, dispatch_uid="connector.signin_session")
def _on_login(sender, request, user, **kwargs):
    """After django.contrib.auth.login() (our view and the admin site's): store the decided role."""
    outcome = getattr(request, "signin_outcome", None) if request is not None else None
    if outcome is None or not outcome.allowed or outcome.user is None or outcome.user.pk != user.pk:
        return
    session_access_set(request, outcome.access)
    session_start(request, outcome.idle_minutes)
