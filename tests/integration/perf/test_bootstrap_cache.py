"""The bootstrap record: read from the database once per process until it changes anywhere (issue 10)."""
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connector.crypto import encrypt_secret
from connector.models import ConnectorBootstrap
from connector.services import connection as conn
from connector.services.connection import BOOTSTRAP_VERSION_KEY, bootstrap_get, connector_is_configured

pytestmark = pytest.mark.django_db(transaction=True)  # outside a transaction, as in production


@pytest.fixture
def record():
    cache.clear()
    return ConnectorBootstrap.objects.create(secret_server_url="https://ss.example.test", app_username="scim-app",
                                             app_password_encrypted=encrypt_secret("x"), folder_id=3,
                                             scim_secret_id=4, hostname="testhost")


def test_read_once_then_from_memory(record):
    assert bootstrap_get().scim_secret_id == 4
    with CaptureQueriesContext(connection) as queries:
        assert connector_is_configured() and bootstrap_get().folder_id == 3
    assert len(queries) == 0


def test_a_save_is_seen_at_once(record):
    bootstrap_get()
    record.scim_secret_id = 40
    record.save()
    assert bootstrap_get().scim_secret_id == 40


def test_a_change_by_another_worker_is_seen_through_the_shared_version(record):
    bootstrap_get()
    ConnectorBootstrap.objects.filter(pk=record.pk).update(folder_id=30)  # no signal in this process
    assert bootstrap_get().folder_id == 3  # this process has not been told yet
    cache.set(BOOTSTRAP_VERSION_KEY, "another worker saved it")
    assert bootstrap_get().folder_id == 30


def test_a_lost_cache_means_a_fresh_read(record):
    bootstrap_get()
    ConnectorBootstrap.objects.filter(pk=record.pk).update(folder_id=31)
    cache.clear()
    assert bootstrap_get().folder_id == 31


def test_callers_get_a_copy(record):
    first = bootstrap_get()
    first.folder_id = 999
    assert bootstrap_get().folder_id == 3


def test_a_delete_is_seen_at_once(record):
    assert connector_is_configured()
    record.delete()
    assert not connector_is_configured() and conn.bootstrap_get() is None
