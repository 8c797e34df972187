"""Checks of configuration values against Secret Server itself, run by the configuration save service.

Rules that need only the value (bounds, choices) live with the settings declaration; a value that names
something in Secret Server can only be checked there. Each check returns field errors
(``{field: message}``) and lets ``SecretServerError`` propagate: the save service translates it.
"""
from __future__ import annotations

from connector.configuration import ConnectorSettings
from connector.secretserver import SecretServerClient

from connector.messages import MSG_AUDITORS_GROUP_NOT_FOUND as AUDITORS_GROUP_NOT_FOUND


def secretserver_group_exists(client: SecretServerClient, name: str) -> bool:
    """Whether an enabled group of exactly this name exists (case-insensitively, as Secret Server compares
    names). One round trip: the group search is a substring match, so the exact name is picked from it."""
    wanted = name.strip().lower()
    return any(group.enabled and group.name.strip().lower() == wanted
               for group in client.search_groups(search_text=name.strip()))


def settings_secretserver_errors(client: SecretServerClient, *, current: ConnectorSettings,
                                 new: ConnectorSettings) -> dict[str, str]:
    """Field errors for values that name Secret Server objects, checked only when they change (an unchanged
    save costs no round trip, and a group deleted later does not block saving other settings)."""
    errors = {}
    if (new.auditors_group.strip().lower() != current.auditors_group.strip().lower()
            and not secretserver_group_exists(client, new.auditors_group)):
        errors["auditors_group"] = AUDITORS_GROUP_NOT_FOUND
    return errors
