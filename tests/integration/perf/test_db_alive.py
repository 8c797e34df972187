"""scimsite/db_alive.py: a connection checked less than DB_ALIVE_BYPASS_SECONDS ago skips the health-check ping;
an older or failed one is pinged as Django does, and skipping never moves the window. Requests go through Django's WSGI handler, as under
gunicorn (the test client disconnects ``close_old_connections``, which asks for the checks)."""
import io

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from scimsite import db_alive
from tests.helpers import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def served(client, settings, monkeypatch):
    """(get(path), pings): a signed-in person's requests through the WSGI handler, and the health checks made."""
    settings.CONNECTOR_SETUP_REDIRECT = False
    sign_in_as(client, "audrey", "auditor")
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    handler, pings = WSGIHandler(), []
    connection.connector_checked_at = None  # nothing from earlier tests on this thread's connection
    connection.connector_check_skipped = False
    original = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: pings.append(1) or original())

    def get(path):
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_NAME": "testserver", "SERVER_PORT": "80",
                   "HTTP_HOST": "testserver", "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http",
                   "HTTP_COOKIE": cookie, "REMOTE_ADDR": "127.0.0.1"}
        statuses = []
        body = handler(environ, lambda status, headers: statuses.append(status))
        b"".join(body)
        body.close()
        return statuses[0]

    return get, pings


def test_a_connection_that_just_answered_is_not_pinged_again(served, monkeypatch):
    get, pings = served
    now = [1000.0]
    monkeypatch.setattr(db_alive.time, "monotonic", lambda: now[0])
    assert get("/history/").startswith("200")
    first = len(pings)
    now[0] += 0.6
    assert get("/history/").startswith("200") and len(pings) == first  # checked 0.6 s ago: no ping
    now[0] += 0.6
    assert get("/history/").startswith("200") and len(pings) == first + 1  # 1.2 s since the last real check
    now[0] += 0.6
    assert get("/history/").startswith("200") and len(pings) == first + 1  # that check was 0.6 s ago


def test_the_window_can_be_turned_off(served, settings):
    get, pings = served
    settings.DB_ALIVE_BYPASS_SECONDS = 0
    assert get("/history/").startswith("200")
    before = len(pings)
    assert get("/history/").startswith("200") and len(pings) == before + 1


def test_a_connection_with_errors_is_not_taken_as_alive(served):
    get, pings = served
    assert get("/history/").startswith("200")
    connection.connector_checked_at = None
    connection.errors_occurred = True  # a failed query during the last request
    db_alive.db_connections_answered()
    assert connection.connector_checked_at is None
    connection.errors_occurred = False
    before = len(pings)
    assert get("/history/").startswith("200") and len(pings) == before + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a server-side kill needs PostgreSQL")
def test_a_connection_killed_while_idle_past_the_window_is_replaced_without_a_failed_request(served, monkeypatch):
    import psycopg
    from django.conf import settings

    get, pings = served
    now = [1000.0]
    monkeypatch.setattr(db_alive.time, "monotonic", lambda: now[0])
    assert get("/history/").startswith("200")
    backend_pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(dbname=settings.DATABASES["default"]["NAME"], **{
            k: v for k, v in params.items() if k in ("host", "port", "user", "password")}, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    now[0] += 2  # idle past the window: the ping finds the dead connection and Django opens a new one
    assert get("/history/").startswith("200")
    assert connection.connection.info.backend_pid != backend_pid
