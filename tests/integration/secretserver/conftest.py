"""Integration fixtures: the Secret Server emulator on a real socket, one per module."""
import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache

from connector.secretserver import SecretServerClient

secretserver_emulator = pytest.importorskip("secretserver_emulator")


@pytest.fixture(scope="module")
def emulator():
    with secretserver_emulator.EmulatorServer(seed="demo") as server:
        yield server


@pytest.fixture
def ss(emulator):
    """A clean emulator for each test (state, faults and request log reset)."""
    emulator.reset()
    emulator.clear_faults()
    emulator.clear_requests()
    return emulator


@pytest.fixture
def app_client(ss):
    cache = LocMemCache(f"ss-int-{uuid.uuid4().hex}", {})
    return SecretServerClient.for_application_account(ss.url, "scim-app", "App-Passw0rd!", cache=cache, timeout=5,
                                                      retries=2, verify=True, max_response_bytes=5_000_000)


@pytest.fixture
def as_person(ss):
    def login(user_name, password):
        grant = SecretServerClient(ss.url, timeout=5, retries=0).password_grant(user_name, password)
        return SecretServerClient(ss.url, access_token=grant.access_token, timeout=5, retries=0)

    return login
