"""Secret Server round trips of the PAM requests SailPoint repeats during aggregation, pinned.

The folder list is cached per endpoint like the user and group lists (dropped on every SCIM write); a
container's permissions and a container's privileged data are read with one filtered call each.
"""
from __future__ import annotations

import pytest

from scim.pam.schemas import CONTAINER_PERMISSION_SCHEMA, CONTAINER_SCHEMA
from scim.services.cache import lists_clear_local
from tests.scim.conftest import ss_calls

pytestmark = pytest.mark.django_db


@pytest.fixture
def safe(scim, ss_app):
    folder = scim.post("/v2/Containers", {"schemas": [CONTAINER_SCHEMA], "name": "Counted"}).json_body["id"]
    alice = next(u for u in ss_app.search_users("alice") if u.user_name == "alice")
    scim.post("/v2/ContainerPermissions", {"schemas": [CONTAINER_PERMISSION_SCHEMA], "container": {"value": folder},
                                           "user": {"value": str(alice.id)}, "rights": ["admin"]})
    ss_app.create_secret(ss_app.secret_stub(9, int(folder)), name="counted", folder_id=int(folder),
                         fields={"url": "https://x", "username": "u", "password": "Pw-Counted-1!"})
    return folder


def test_pinned_calls(scim, ss, safe):
    lists_clear_local()
    scim.get("/v2/Containers?count=1")  # loads the folder list once
    ss.clear_requests()
    assert scim.get('/v2/Containers?filter=name eq "Counted"').json_body["totalResults"] == 1
    assert ss_calls(ss) == []  # served from the per-endpoint folder list

    ss.clear_requests()
    assert scim.get(f'/v2/ContainerPermissions?filter=container.value eq "{safe}"').status_code == 200
    assert ss_calls(ss) == ["GET /api/v1/folder-permissions"]

    ss.clear_requests()
    assert scim.get(f"/v2/PrivilegedData?filter=container eq {safe}").json_body["totalResults"] == 1
    assert ss_calls(ss) == ["GET /api/v1/secrets"]

    ss.clear_requests()
    assert scim.get(f"/v2/Containers/{safe}").status_code == 200
    assert ss_calls(ss) == [f"GET /api/v1/folders/{safe}"]
