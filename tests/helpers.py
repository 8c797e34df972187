"""Helpers shared by tests: a signed-in person with a connector role, without going through Secret Server."""
import contextlib
from datetime import UTC, datetime

from django.contrib.auth import get_user_model

from connector.access import SESSION_KEY, ConnectorAccess, Role


def sign_in_as(client, username="admin", role=Role.ADMINISTRATOR, *, ss_user_id=2, display_name="",
               access_until=None, via="share"):
    """Log ``client`` in as a local mirror user holding ``role`` (as the sign-in flow would leave it)."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    if user.has_usable_password():
        user.set_unusable_password()
        user.save()
    client.force_login(user)
    access = ConnectorAccess(role=Role(role), ss_user_id=ss_user_id, username=username,
                             display_name=display_name or username, via=via, access_until=access_until,
                             checked_at=datetime.now(UTC))
    session = client.session
    session[SESSION_KEY] = access.to_session()
    session.save()
    return user


@contextlib.contextmanager
def django_connection_kept_open():
    """Call Django's WSGI application directly (scim2-client's WSGI engine) inside a test transaction.

    Django's own test client disconnects ``close_old_connections`` from the request signals for the same reason:
    otherwise every request closes the test's connection (its autocommit differs from the settings'), which on
    PostgreSQL ends the test transaction ("the connection is closed"); SQLite's in-memory database hides it.
    """
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
