"""The error threshold: N sequential upstream failures, across every worker, disable the connector.

The count lives in the shared Django cache (Redis in production): ``incr`` is atomic there, so two
workers failing at the same instant count two. A SCIM request that reached Secret Server without an
upstream failure resets it. Client errors (4xx, 404s, validation) never count: an identity provider
sending bad requests cannot disable the service for everyone (the vendor's weak spot).

At the threshold one worker (``cache.add`` elects it) writes "SCIM Connector Disabled" into the settings
in the SCIMSecret through the configuration service (audited there), audits why, and takes the counted
failures off the count (atomically), so clearing Disabled starts from zero. SCIM then answers 503 while sign-in and settings keep working.
"""
from __future__ import annotations

import logging

from django.core.cache import cache

from connector.services.audit import audit_record

logger = logging.getLogger(__name__)

COUNT_KEY = "scim:upstream-failures:v1"
DISABLING_KEY = "scim:disabling:v1"
PENDING_KEY = "scim:disable-pending:v1"  # reached, but Secret Server did not take the setting yet
PENDING_RETRY_KEY = "scim:disable-pending-retry:v1"
PENDING_RETRY_SECONDS = 30
REASON_ACTION = "scim.connector.disabled"
MSG_REASON = ("SCIM Connector disabled: {0} sequential Secret Server errors reached the Error Threshold ({1}). "
              "Fix Secret Server, then clear 'SCIM Connector Disabled' in the configuration.")
MSG_REASON_APP_ACCOUNT = ("SCIM Connector disabled: {0} sequential Secret Server errors reached the Error Threshold "
                          "({1}); the last one: the application account could not sign in to Secret Server "
                          "(password expired or changed, locked or disabled). Fix the application account's "
                          "password in Secret Server and in the connector's setup, then clear 'SCIM Connector "
                          "Disabled' in the configuration.")
CAUSE_KEY = "scim:last-failure-cause:v1"  # what the last counted failure was (only written on failures)
CAUSE_APP_ACCOUNT = "application-account"
COUNT_TTL = 24 * 3600


class SystemActor:
    """The connector itself as the actor of a settings change (no local user row)."""

    pk = None

    def __init__(self, name: str):
        self.name = name

    def get_username(self) -> str:
        return self.name


def failures_current() -> int:
    return int(cache.get(COUNT_KEY) or 0)


def failure_count_increment() -> int:
    """Atomically add one failure; the new count."""
    cache.add(COUNT_KEY, 0, COUNT_TTL)
    try:
        return cache.incr(COUNT_KEY)
    except ValueError:  # expired between add and incr
        cache.add(COUNT_KEY, 1, COUNT_TTL)
        return failures_current()


def success_record() -> None:
    if cache.get(COUNT_KEY):
        cache.delete(COUNT_KEY)


def failure_cause_note(*, application_account: bool) -> None:
    """Remember what the latest upstream failure was, for the reason the threshold gives (failures only:
    the success path stays free of cache writes)."""
    cache.set(CAUSE_KEY, CAUSE_APP_ACCOUNT if application_account else "secret-server", COUNT_TTL)


def _reason(count: int, threshold: int) -> str:
    template = MSG_REASON_APP_ACCOUNT if cache.get(CAUSE_KEY) == CAUSE_APP_ACCOUNT else MSG_REASON
    return template.format(count, threshold)


def failure_record(threshold: int, *, disable=None) -> bool:
    """Count one upstream failure; at ``threshold`` disable the connector (once). True when this call disabled it.

    One worker at a time may disable (``cache.add`` elects it); the elected worker re-reads the count, because a
    worker that saw the count past the threshold just before another worker's crossing took its failures off
    must not disable a second time. A crossing takes ``threshold`` failures off the count, so failures counted
    meanwhile stay counted.
    """
    count = failure_count_increment()
    if count < threshold:
        return False
    if not cache.add(DISABLING_KEY, 1, 60):  # another worker is disabling it right now
        return False
    try:
        count = failures_current()
        if count < threshold:  # another worker's crossing already took these failures
            return False
        (disable or connector_disable)(count, threshold)
        try:
            cache.decr(COUNT_KEY, threshold)
        except ValueError:
            pass
        return True
    finally:
        cache.delete(DISABLING_KEY)


def connector_disable(count: int, threshold: int) -> None:
    """Write SCIM Connector Disabled into the SCIMSecret's settings (Secret Server first), audit the reason.

    When Secret Server cannot take the write (it is failing, after all), the connector still stops: the
    shared cache holds a "pending" mark, SCIM answers 503 with the reason, and the write is retried every
    ``PENDING_RETRY_SECONDS`` (``disable_pending_retry``) until Secret Server holds the setting, which an
    administrator then clears as usual.
    """
    reason = _reason(count, threshold)
    written = _write_disabled()
    if not written:
        cache.set(PENDING_KEY, reason, None)
    audit_record(action=REASON_ACTION, outcome="success" if written else "error", actor_name="SCIM error threshold",
                 target_type="settings", target_repr="SCIM Connector Disabled",
                 message=reason if written else f"{reason} Secret Server did not take the setting yet; "
                                                "SCIM answers 503 meanwhile and the write is retried.",
                 after={"sequentialFailures": count, "errorThreshold": threshold})


def _write_disabled() -> bool:
    from connector.services.configuration_service import settings_document_fresh, settings_update

    try:
        document = settings_document_fresh()
        if not document.settings.connector_disabled:
            settings_update(actor=SystemActor("SCIM error threshold"), request=None,
                            values={"connector_disabled": True}, expected_revision=document.revision)
        return True
    except Exception as exc:  # Secret Server down, revision race, ...
        logger.error("SCIM error threshold reached; the setting could not be written yet (%s)", type(exc).__name__)
        return False


def disable_pending() -> str | None:
    """The reason, while the threshold was reached but Secret Server does not hold the setting yet."""
    return cache.get(PENDING_KEY)


def disable_pending_retry() -> bool:
    """Retry the pending write (at most every PENDING_RETRY_SECONDS across workers); True once it is written."""
    if not cache.add(PENDING_RETRY_KEY, 1, PENDING_RETRY_SECONDS):
        return False
    reason = disable_pending() or ""
    if _write_disabled():
        cache.delete(PENDING_KEY)
        audit_record(action=REASON_ACTION, outcome="success", actor_name="SCIM error threshold",
                     target_type="settings", target_repr="SCIM Connector Disabled",
                     message=f"{reason} The setting is now written in Secret Server.".strip())
        return True
    return False
