"""Template variables that base.html reads: the version, the signed-in person's role and access window.

``connector_is_admin`` is only set once a role is known; base.html treats "unset" as "show everything the
URLconf offers", so pages rendered outside the middleware (tests, error pages) keep their navigation.
``msg_unavailable`` and ``msg_no_permission`` are the product's one wording for an outage and a refusal
(connector/messages.py), for the pages that show them.
"""
from connector.messages import MSG_NO_PERMISSION, MSG_UNAVAILABLE
from connector.selectors.settings import connector_version


def connector_context(request):
    context = {"connector_version": connector_version(), "msg_unavailable": MSG_UNAVAILABLE,
               "msg_no_permission": MSG_NO_PERMISSION}
    access = getattr(request, "connector_access", None)
    if access is None:
        return context
    return {**context, "connector_role": access.label, "access_window_end": access.access_until,
            "connector_is_admin": access.is_admin, "account_name": account_name(request.user, access.label)}


def account_name(user, role_label: str) -> str:
    """The header's name: the display name, or the user name when the display name only repeats the role
    (Secret Server's built-in admin is displayed as "Administrator": the header read "Administrator /
    Administrator")."""
    shown = user.get_full_name().strip() or user.get_username()
    if shown.casefold() == role_label.casefold():
        return user.get_username()
    return shown
