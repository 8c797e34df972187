"""Reads for the Messages page: the newest audit events, as a person would want to watch them live.

The audit trail already records every sign-in, access request, settings/endpoint change and Secret Server
error (written before the action completes), so the live view is a window onto its newest rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from connector.models import AuditEvent

MESSAGES_LIMIT = 50
_COLUMNS = ("seq", "time", "actor_name", "action", "target_type", "target_repr", "outcome", "message", "before",
            "after")


@dataclass(frozen=True)
class Message:
    seq: int
    time: datetime
    actor: str
    action: str
    target: str
    outcome: str
    text: str


def recent_messages(*, limit: int = MESSAGES_LIMIT) -> list[Message]:
    """The newest ``limit`` outcomes, newest first.

    "Intent" rows (written before an action, so the trail holds even a crashed attempt) are left out: a
    person watching wants what happened, and every completed action has its own outcome row.
    """
    rows = (AuditEvent.objects.exclude(outcome="intent").order_by("-time", "-id")
            .only(*_COLUMNS)[:max(1, min(limit, 200))])
    return [Message(e.seq, e.time, e.actor_name or "—", e.action, e.target_repr or e.target_type or "",
                    e.outcome, _text(e)) for e in rows]


def _text(event: AuditEvent) -> str:
    """The row's message, then what changed (old → new) when it recorded both states."""
    text = event.message.strip().removesuffix(":")
    changes = event.change_summary() if event.outcome == "success" else ""
    return " ".join(part for part in (text, changes and f"Changed: {changes}.") if part)
