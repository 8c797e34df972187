"""Every call added for issues 11 and 12 answers a missing token with 403 and matches its path
case-insensitively with a trailing slash (the contract's global rules)."""
import pytest
import requests

NEW_CALLS = [
    ("POST", "/api/v1/users"), ("PUT", "/api/v1/users/5"), ("DELETE", "/api/v1/users/5"),
    ("POST", "/api/v1/users/change-password"),
    ("POST", "/api/v1/groups"), ("PUT", "/api/v1/groups/3"), ("DELETE", "/api/v1/groups/3"),
    ("POST", "/api/v1/groups/3/users"), ("DELETE", "/api/v1/groups/3/users/7"), ("GET", "/api/v1/groups/3/users/7"),
    ("PUT", "/api/v1/groups/3/users"), ("GET", "/api/v1/secret-permissions/1"),
    ("GET", "/api/v1/folder-permissions/1"), ("PUT", "/api/v1/folder-permissions/1"),
    ("POST", "/api/v1/secrets/1/restricted"), ("POST", "/api/v1/secrets/1/restricted/fields/password"),
    ("POST", "/api/v1/secrets/1/check-in"),
    ("GET", "/api/v1/roles"), ("GET", "/api/v1/roles/1"), ("GET", "/api/v1/users/5/roles"),
    ("GET", "/api/v1/users/5/roles-assigned"), ("POST", "/api/v1/users/5/roles"),
    ("PUT", "/api/v1/users/5/roles"), ("DELETE", "/api/v1/users/5/roles"),
]


@pytest.mark.parametrize("method,path", NEW_CALLS)
def test_without_a_token_every_new_call_is_403(emulator, method, path):
    for variant in (path, path.upper().replace("/API/V1", "/api/v1") + "/"):
        response = requests.request(method, emulator.url + variant, json={}, timeout=5)
        assert (response.status_code, response.json()) == (403, {"message": "Authentication failed."}), variant


@pytest.mark.parametrize("method,path", NEW_CALLS)
def test_a_wrong_method_is_405_not_404(app, method, path):
    other = "PATCH" if method != "PATCH" else "POST"
    if path.endswith("/groups/3/users"):
        other = "DELETE"  # GET, POST, PUT and PATCH all exist there
    response = app.call(other, path)
    assert response.status_code == 405 and "http method" in response.json()["message"]
