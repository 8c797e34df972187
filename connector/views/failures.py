"""The one place pages turn a ``ConnectorError`` into what a person sees: form errors or a message.

Views are validate → call service → render; whatever the service refuses arrives here as a
``ConnectorError`` (connector/errors.py) with the product's wording, so no view has an ``except`` ladder.
"""
from __future__ import annotations

from django.contrib import messages

from connector.errors import ConnectorError

_LEVELS = {"error": messages.ERROR, "warning": messages.WARNING}


def error_to_form(form, exc: ConnectorError) -> None:
    """Field errors next to their fields (unknown fields as non-field errors); else one non-field error."""
    if not exc.field_errors:
        form.add_error(None, exc.message)
        return
    for name, field_messages in exc.field_errors.items():
        for message in field_messages:
            form.add_error(name if name in form.fields else None, message)


def error_to_messages(request, exc: ConnectorError, suffix: str = "") -> None:
    """The error as a Django message at the error's level (a saved-but-not-mirrored change is a warning)."""
    text = f"{exc.message} {suffix}".strip() if suffix else exc.message
    messages.add_message(request, _LEVELS.get(exc.level, messages.ERROR), text)
