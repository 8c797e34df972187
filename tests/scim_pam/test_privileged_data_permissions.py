"""PrivilegedDataPermissions ↔ secret permissions: rights through the PrivilegedData mappings."""
from __future__ import annotations

import dataclasses

import pytest

from scim.models import ScimRequestLog
from scim.pam.schemas import CONTAINER_SCHEMA, PRIVILEGED_DATA_PERMISSION_SCHEMA
from tests.scim_pam.grants import post_grant

pytestmark = pytest.mark.django_db
MAPPINGS = [{"type": "PrivilegedData", "value": "admin", "role": "Owner"},
            {"type": "PrivilegedData", "value": "reader", "role": "View"},
            {"type": "PrivilegedData", "value": "lister", "role": "List"}]


@pytest.fixture
def secret(scim, ss_app):
    folder = int(scim.post("/v2/Containers", {"schemas": [CONTAINER_SCHEMA], "name": "PDP"}).json_body["id"])
    return ss_app.create_secret(ss_app.secret_stub(9, folder), name="pdp secret", folder_id=folder,
                                fields={"url": "https://x", "username": "u", "password": "Pw-Pdp-1!"})


def _grant(scim, secret_id, rights, *, user=None, group=None):
    return post_grant(scim, "PrivilegedDataPermissions", PRIVILEGED_DATA_PERMISSION_SCHEMA, "privilegedData",
                      secret_id, rights, user=user, group=group)


def _row(ss_app, secret_id, user_id):
    return next((p for p in ss_app.secret_permissions(secret_id=secret_id) if p.user_id == user_id), None)


def test_grant_change_list_revoke(mapped, scim, ss_app, alice, secret):
    granted = _grant(scim, secret.id, ["admin"], user=alice.id)
    assert granted.status_code == 201, granted.json_body
    assert granted.json_body["privilegedData"]["name"] == "pdp secret" and granted.json_body["rights"] == ["admin"]
    assert _row(ss_app, secret.id, alice.id).secret_access_role_name == "Owner"
    pid = granted.json_body["id"]
    changed = scim.patch(f"/v2/PrivilegedDataPermissions/{pid}", [{"op": "replace", "path": "rights",
                                                                    "value": ["lister"]}])
    assert changed.status_code == 200 and changed.json_body["rights"] == ["lister"]
    assert _row(ss_app, secret.id, alice.id).secret_access_role_name == "List"
    listed = scim.get(f"/v2/PrivilegedDataPermissions?filter=privilegedData eq {secret.id}").json_body
    assert pid in {r["id"] for r in listed["Resources"]}
    assert {r["privilegedData"]["value"] for r in listed["Resources"]} == {str(secret.id)}
    everything = scim.get("/v2/PrivilegedDataPermissions?count=1000").json_body
    assert pid in {r["id"] for r in everything["Resources"]}
    assert _grant(scim, secret.id, ["reader"], user=alice.id).status_code == 409
    assert scim.delete(f"/v2/PrivilegedDataPermissions/{pid}").status_code == 204
    assert _row(ss_app, secret.id, alice.id) is None


def test_unmapped_right_gives_view_and_a_messages_note(mapped, scim, ss_app, alice, secret):
    assert _grant(scim, secret.id, ["boss"], user=alice.id).status_code == 201
    assert _row(ss_app, secret.id, alice.id).secret_access_role_name == "View"
    assert ScimRequestLog.objects.filter(detail__startswith="SCIM Connector could not find mapping for boss").exists()


def test_permissions_of_a_comment_secret_can_be_managed(mapped, scim, ss_app, alice, secret):
    stub = dataclasses.replace(ss_app.secret_stub(9, secret.folder_id), requires_comment=True)
    restricted = ss_app.create_secret(stub, name="commented", folder_id=secret.folder_id,
                                      fields={"url": "https://x", "username": "u", "password": "Pw-Pdp-2!"})
    assert _grant(scim, restricted.id, ["reader"], user=alice.id).status_code == 201


def test_the_connectors_secrets_are_out_of_reach(mapped, scim, connector, alice):
    assert _grant(scim, connector.scim_secret_id, ["admin"], user=alice.id).status_code == 400
    listed = scim.get(f"/v2/PrivilegedDataPermissions?filter=privilegedData.value eq \"{connector.scim_secret_id}\"")
    assert listed.json_body["totalResults"] == 0
    everything = scim.get("/v2/PrivilegedDataPermissions?count=1000").json_body
    assert all(r["privilegedData"]["value"] != str(connector.scim_secret_id) for r in everything["Resources"])


def test_filter_on_absent_privileged_data_lists_nothing(mapped, scim):
    listed = scim.get('/v2/PrivilegedDataPermissions?filter=privilegedData.value eq "999999"')
    assert listed.status_code == 200 and listed.json_body["totalResults"] == 0
