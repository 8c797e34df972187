"""Root fixtures shared by the whole suite.

- The audit trail's append-only triggers are lifted only for the test harness's own flush.
- ``secret_server``: one Secret Server emulator per test process (xdist-safe), on a real socket;
  ``ss``: the same emulator reset to its seed for one test, with the connector's settings pointed at it.
"""
import pytest
from django.core.cache import caches

pytest_plugins = ["tests.plugins.audit_flush"]

DEMO_PASSWORDS = {
    "admin": "Admin-Passw0rd!",
    "scim-app": "App-Passw0rd!",
    "limited-app": "Limited-Passw0rd!",
    "alice": "Alice-Passw0rd!",
    "bob": "Bob-Passw0rd!",
    "carol": "Carol-Passw0rd!",
    "dave": "Dave-Passw0rd!",
    "erin": "Erin-Passw0rd!",
    "frank": "Frank-Passw0rd!",
}


@pytest.fixture(scope="session")
def secret_server():
    from secretserver_emulator import EmulatorServer

    with EmulatorServer(seed="demo") as server:
        yield server


@pytest.fixture
def ss(secret_server, settings):
    """A freshly seeded emulator for this test; the connector's Secret Server URL points at it."""
    secret_server.reset()
    secret_server.clear_faults()
    secret_server.clear_requests()
    settings.SECRET_SERVER_URL = secret_server.url
    settings.SECRET_SERVER_ALLOW_HTTP = True
    settings.SECRET_SERVER_TIMEOUT = 5
    settings.SECRET_SERVER_RETRIES = 1
    settings.SECRET_SERVER_WRITE_RECONCILE_SECONDS = 2  # a lost write answer: re-read for at most 2 s
    caches["default"].clear()
    yield secret_server
    caches["default"].clear()
