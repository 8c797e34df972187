"""The project wiring itself: settings from the environment, request ids."""
import environ
from django.utils.module_loading import import_string
import pytest
from django.conf import settings


def test_it_reads_database_and_cache_from_the_environment():
    env = environ.Env()
    expected_db = env.db("DATABASE_URL", default="sqlite:////x.sqlite3")["ENGINE"]
    # SQLite gets the connector's subclass (a cheaper datetime converter: scimsite/db/sqlite3/base.py)
    expected_db = {"django.db.backends.sqlite3": "scimsite.db.sqlite3"}.get(expected_db, expected_db)
    assert settings.DATABASES["default"]["ENGINE"] == expected_db
    expected_cache = import_string(env.cache("CACHE_URL", default="locmemcache://")["BACKEND"])
    # Redis gets the connector's subclass (one client per connection pool: scimsite/redis_cache.py)
    assert issubclass(import_string(settings.CACHES["default"]["BACKEND"]), expected_cache)


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    response = client.get("/admin/login/")
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_a_well_formed_request_id_from_a_trusted_proxy_is_kept_and_a_hostile_one_replaced(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.1"]
    assert client.get("/admin/login/", HTTP_X_REQUEST_ID="trace-1234abcd",
                      REMOTE_ADDR="10.1.2.3")["X-Request-ID"] == "trace-1234abcd"
    assert client.get("/admin/login/", HTTP_X_REQUEST_ID="trace-1234abcd",
                      REMOTE_ADDR="192.0.2.1")["X-Request-ID"] == "trace-1234abcd"
    hostile = client.get("/admin/login/", HTTP_X_REQUEST_ID="<script>alert(1)</script>",
                         REMOTE_ADDR="10.1.2.3")["X-Request-ID"]
    assert "<" not in hostile and len(hostile) == 32


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [[], ["10.0.0.0/8"]])
def test_a_request_id_from_an_untrusted_client_is_replaced(client, settings, proxies):
    settings.TRUSTED_PROXIES = proxies
    answered = client.get("/admin/login/", HTTP_X_REQUEST_ID="trace-1234abcd", REMOTE_ADDR="198.51.100.9")
    assert answered["X-Request-ID"] != "trace-1234abcd" and len(answered["X-Request-ID"]) == 32
