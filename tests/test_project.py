"""The project wiring itself: settings from the environment, request ids."""
import environ
import pytest
from django.conf import settings


def test_it_reads_database_and_cache_from_the_environment():
    env = environ.Env()
    expected_db = env.db("DATABASE_URL", default="sqlite:////x.sqlite3")["ENGINE"]
    assert settings.DATABASES["default"]["ENGINE"] == expected_db
    expected_cache = env.cache("CACHE_URL", default="locmemcache://")["BACKEND"]
    assert settings.CACHES["default"]["BACKEND"] == expected_cache


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    response = client.get("/admin/login/")
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_a_well_formed_incoming_request_id_is_kept_and_a_hostile_one_replaced(client):
    assert client.get("/admin/login/", HTTP_X_REQUEST_ID="trace-1234abcd")["X-Request-ID"] == "trace-1234abcd"
    hostile = client.get("/admin/login/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")["X-Request-ID"]
    assert "<" not in hostile and len(hostile) == 32
