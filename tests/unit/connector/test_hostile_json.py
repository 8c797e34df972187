"""Hostile JSON on the six JSON write routes: 400 (413 for size), never a 500, and never the string "inf"."""
import json

import pytest
from rest_framework.test import APIClient

from connector.access import Role
from connector.api.parsers import MAX_DEPTH
from tests.helpers import sign_in_as

pytestmark = pytest.mark.django_db

WRITE_ROUTES = [
    ("post", "/api/connector/endpoints/"),
    ("put", "/api/connector/endpoints/1/"),
    ("patch", "/api/connector/endpoints/1/"),
    ("post", "/api/connector/endpoints/1/token/"),
    ("put", "/api/connector/settings/"),
    ("patch", "/api/connector/settings/"),
]


@pytest.fixture
def admin_api(settings):
    settings.CONNECTOR_SETUP_REDIRECT = False
    api = APIClient()
    sign_in_as(api, "root", Role.ADMINISTRATOR)
    return api


def send(api, method, path, body: str | bytes, content_type="application/json"):
    return getattr(api, method)(path, data=body, content_type=content_type)


@pytest.mark.parametrize("method,path", WRITE_ROUTES)
def test_json_nested_a_hundred_thousand_deep_is_400(admin_api, method, path):
    body = "[" * 100_000 + "]" * 100_000
    response = send(admin_api, method, path, body)
    assert response.status_code == 400
    assert "nested deeper" in response.json()["detail"]


@pytest.mark.parametrize("method,path", WRITE_ROUTES)
def test_json_nested_a_little_too_deep_is_400(admin_api, method, path):
    body = json.dumps({"name": json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)})
    assert send(admin_api, method, path, body).status_code == 400


@pytest.mark.parametrize("method,path", WRITE_ROUTES)
@pytest.mark.parametrize("body", [
    '{"name": 1e999999, "revision": 0}',
    '{"name": "x", "revision": 1e999999}',
    '{"name": NaN, "revision": 0}',
    '{"name": "\\ud800", "revision": 0}',
    '{"name": "a\\u0000b", "revision": 0}',
    '{"\\ud800": 1, "revision": 0}',
    '{"revision": ' + "9" * 5000 + "}",
])
def test_hostile_values_are_400(admin_api, method, path, body):
    response = send(admin_api, method, path, body)
    assert response.status_code == 400, response.content[:300]


def test_a_number_is_not_an_endpoint_name(admin_api):
    response = send(admin_api, "post", "/api/connector/endpoints/", '{"name": 12, "url": "https://x.example"}')
    assert response.status_code == 400
    assert response.json()["name"] == ["Not a valid string."]
    response = send(admin_api, "post", "/api/connector/endpoints/", '{"name": 1e999999}')
    assert response.status_code == 400 and "inf" not in response.content.decode()


def test_a_settings_string_must_be_a_string(admin_api):
    response = send(admin_api, "patch", "/api/connector/settings/", '{"revision": 0, "auditors_group": 7}')
    assert response.status_code == 400 and response.json()["auditors_group"] == ["Not a valid string."]


@pytest.mark.parametrize("method,path", WRITE_ROUTES)
def test_ten_megabytes_is_refused(admin_api, method, path):
    body = '{"name": "' + "a" * (10 * 1024 * 1024) + '"}'
    assert send(admin_api, method, path, body).status_code in (400, 413)  # Django's or our size cap


def test_the_parser_caps_the_body_itself(admin_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # DRF reads the stream without Django's check
    body = '{"name": "' + "a" * 2000 + '"}'
    response = admin_api.generic("PATCH", "/api/connector/settings/", body, content_type="application/json")
    assert response.status_code in (400, 413)
