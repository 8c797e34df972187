"""Reads for the pages that show the SCIM service: Messages, Home, the endpoint page."""
from __future__ import annotations

from django.urls import reverse

from connector.models import AuditEvent
from scim.models import ScimRequestLog
from scim.services.threshold import REASON_ACTION, disable_pending

REQUESTS_LIMIT = 50
THRESHOLD_ACTOR = "SCIM error threshold"
MSG_DISABLED_BY_SETTING = "SCIM Connector Disabled is set in the configuration."


def recent_scim_requests(*, limit: int = REQUESTS_LIMIT) -> list[ScimRequestLog]:
    """The newest SCIM requests, newest first (time, endpoint, method, path, status, duration, calls)."""
    return list(ScimRequestLog.objects.order_by("-id")[:max(1, min(limit, 200))])


def connector_disabled_reason() -> str:
    """Why SCIM is refused: the error threshold's reason, unless an administrator set Disabled since."""
    reason = AuditEvent.objects.filter(action=REASON_ACTION).order_by("-seq").only("seq", "message").first()
    manual = (AuditEvent.objects.filter(action="settings.update", outcome="success")
              .exclude(actor_name=THRESHOLD_ACTOR).order_by("-seq").only("seq").first())
    if reason is not None and (manual is None or reason.seq > manual.seq):
        return reason.message
    return MSG_DISABLED_BY_SETTING


def scim_refused_reason(current) -> str:
    """Why SCIM answers 503 now ("" when it serves): Disabled in the settings, or the threshold reached while
    Secret Server could not take the setting yet."""
    pending = disable_pending()
    if pending:
        return f"{pending} (Secret Server has not taken the setting yet; retried every few seconds.)"
    return connector_disabled_reason() if current.connector_disabled else ""


def scim_base_url(request) -> str:
    """What an identity provider is given: ``https://{connector}/v2`` (no trailing slash)."""
    return request.build_absolute_uri(reverse("scim:root"))
