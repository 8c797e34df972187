"""One SCIM request's context: the endpoint it acts for, its Secret Server client, counters, audit glue.

Services translate Secret Server errors into SCIM errors here, at their edge (``secret_server``), and
note upstream failures for the error threshold; nothing above the services sees a client error.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from scim2_models import SCIMException

from connector.secretserver import SecretServerClient, SecretServerError
from connector.services.audit import audited
from scim.services import threshold
from scim.services.translate import (
    is_application_account_failure,
    is_upstream_failure,
    scim_error_from_secret_server,
    secret_restriction,
)


@dataclass
class ScimContext:
    endpoint_id: int
    endpoint_name: str
    client: SecretServerClient
    method: str = "GET"
    request: object = None  # the Django request: source address and request id of audit rows
    upstream_failed: bool = False
    upstream_succeeded: bool = False
    memo: dict = field(default_factory=dict)  # objects read earlier in this request, by (type, id)
    write_audits: int = 0  # scim_write blocks entered: a refused write without one is audited by scim/handler.py

    @property
    def actor_name(self) -> str:
        return f"SCIM endpoint {self.endpoint_name}"[:150]


@contextmanager
def secret_server(ctx: ScimContext, resource: str = ""):
    """Run Secret Server calls; a failure becomes the SCIM error the identity provider gets."""
    try:
        yield
    except SecretServerError as exc:
        if is_upstream_failure(exc):
            ctx.upstream_failed = True
            threshold.failure_cause_note(application_account=is_application_account_failure(exc))
        elif secret_restriction(exc) is not None:  # Secret Server answered: the secret needs more than a read
            ctx.upstream_succeeded = True
        raise _auditable(scim_error_from_secret_server(exc, resource=resource)) from None
    else:
        ctx.upstream_succeeded = True


def _auditable(exc: SCIMException) -> SCIMException:
    """Let ``audited`` record a SCIM refusal as "denied" (401/403), "failure" (other 4xx) or "error" (5xx)."""
    status = exc.status or 500
    exc.audit_outcome = "error" if status >= 500 else "denied" if status in (401, 403) else "failure"
    exc.safe_message = exc.detail
    return exc


def refuse(exc: SCIMException) -> SCIMException:
    """A SCIM error raised by the service itself, ready for the audit trail."""
    return _auditable(exc)


@contextmanager
def scim_write(ctx: ScimContext, action: str, *, target_type: str, target_id="", target_repr: str = "",
               before=None, message: str = ""):
    """The audit discipline for a SCIM write: intent row, the Secret Server write, outcome row.

    Actor = the endpoint. Passwords never reach the rows (callers pass none; the audit redacts anyway).
    Counted in ``ctx.write_audits`` first: this operation's outcome is then on record whatever happens.
    """
    ctx.write_audits += 1
    with audited(action=action, actor_name=ctx.actor_name, request=ctx.request, target_type=target_type,
                 target_id=target_id, target_repr=target_repr, before=before,
                 message=message or f"{ctx.method} via SCIM") as audit:
        yield audit
