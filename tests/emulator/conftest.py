"""One emulator per test process (xdist-safe: each worker gets its own port), reset before each test."""
from __future__ import annotations

import pytest
import requests

from secretserver_emulator import EmulatorServer

PASSWORDS = {"admin": "Admin-Passw0rd!", "scim-app": "App-Passw0rd!", "limited-app": "Limited-Passw0rd!",
             "alice": "Alice-Passw0rd!", "bob": "Bob-Passw0rd!", "carol": "Carol-Passw0rd!",
             "dave": "Dave-Passw0rd!", "erin": "Erin-Passw0rd!", "frank": "Frank-Passw0rd!"}
PAGING_KEYS = {"success", "severity", "skip", "take", "total", "pageCount", "currentPage", "batchCount",
               "prevSkip", "nextSkip", "hasPrev", "hasNext", "sortBy", "records"}


@pytest.fixture(scope="session")
def emulator():
    with EmulatorServer(seed="demo") as server:
        yield server


@pytest.fixture(autouse=True)
def fresh(emulator):
    emulator.reset()
    yield


class Api:
    """A signed-in user talking to the emulator over real HTTP."""

    def __init__(self, base: str, user: str | None = None):
        self.base, self.user = base, user
        self.http = requests.Session()
        if user:
            self.token = token_for(base, user)["access_token"]
            self.http.headers["Authorization"] = f"Bearer {self.token}"

    def call(self, method, path, **kw):
        kw.setdefault("timeout", 5)
        return self.http.request(method, self.base + path, **kw)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.call("POST", path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self.call("PUT", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.call("PATCH", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)

    def ok(self, method, path, **kw):
        response = self.call(method, path, **kw)
        assert response.status_code == 200, response.text
        return response.json()


def token_for(base, user, password=None):
    response = requests.post(f"{base}/oauth2/token", timeout=5, data={
        "grant_type": "password", "username": user, "password": password or PASSWORDS[user]})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def as_user(emulator):
    return lambda user=None: Api(emulator.url, user)


@pytest.fixture
def app(as_user):
    return as_user("scim-app")


def assert_paging(body, total, skip=0, take=None):
    assert set(body) >= PAGING_KEYS
    assert body["success"] is True and body["severity"] == "None"
    assert body["total"] == total and body["skip"] == skip
    if take is not None:
        assert body["take"] == take


def make_folder(api, name="SCIM host", parent=-1):
    return api.ok("POST", "/api/v1/folders", json={"folderName": name, "folderTypeId": 1, "parentFolderId": parent})


def make_secret(api, folder_id, name="SCIMSecret host", **values):
    stub = api.ok("GET", f"/api/v1/secrets/stub?secretTemplateId=9&folderId={folder_id}")
    stub["name"] = name
    stub["folderId"] = folder_id
    defaults = {"url": "https://ss.example.test", "username": "scim-app", "password": "s3cret", "notes": "null"}
    for item in stub["items"]:
        item["itemValue"] = values.get(item["slug"], defaults[item["slug"]])
    return api.ok("POST", "/api/v1/secrets", json=stub)


def approval_body(kind="RequireEditorsApproval", approvers=(102,)):
    return {"data": {"requireApprovalType": {"dirty": True, "value": kind},
                     "approvers": {"dirty": True, "value": list(approvers)}}}


@pytest.fixture
def scim(app):
    """The connector's bootstrap: folder + SCIMSecret, admin Owner, Everyone View, approval by admin."""
    folder = make_folder(app)
    secret = make_secret(app, folder["id"])
    app.ok("POST", "/api/v1/secret-permissions", json={"secretId": secret["id"], "userId": 2,
                                                       "secretAccessRoleName": "Owner"})
    app.ok("POST", "/api/v1/secret-permissions", json={"secretId": secret["id"], "groupId": 1,
                                                       "secretAccessRoleName": "View"})
    app.ok("PUT", f"/api/v1/secrets/{secret['id']}/security-approval", json=approval_body())
    return {"folder": folder, "secret": secret, "secret_id": secret["id"], "folder_id": folder["id"]}
