"""ContainerPermissions ↔ folder permissions: rights through the endpoint's mappings, checked in Secret Server."""
from __future__ import annotations

import pytest

from scim.models import ScimRequestLog
from scim.pam.schemas import CONTAINER_PERMISSION_SCHEMA, CONTAINER_SCHEMA
from tests.scim_pam.grants import post_grant

pytestmark = pytest.mark.django_db
MAPPINGS = [{"type": "Container", "value": "admin", "role": "Owner"},
            {"type": "Container", "value": "editor", "role": "Edit"},
            {"type": "Container", "value": "adder", "role": "Add Secret"}]


def _container(scim, name, parent=None):
    body = {"schemas": [CONTAINER_SCHEMA], "name": name}
    if parent:
        body["parent"] = {"value": parent}
    response = scim.post("/v2/Containers", body)
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def _grant(scim, container, rights, *, user=None, group=None):
    return post_grant(scim, "ContainerPermissions", CONTAINER_PERMISSION_SCHEMA, "container", container, rights,
                      user=user, group=group)


def _own_row(ss_app, folder_id, user_id):
    return next((p for p in ss_app.folder_permissions(int(folder_id)) if p.user_id == user_id), None)


def test_grant_admin_is_owner_in_secret_server_then_change_and_revoke(mapped, scim, ss_app, alice):
    folder = _container(scim, "Granted")
    granted = _grant(scim, folder, ["admin"], user=alice.id)
    assert granted.status_code == 201, granted.json_body
    body = granted.json_body
    assert body["rights"] == ["admin"] and body["user"]["value"] == str(alice.id)
    assert body["container"] == {"value": folder, "$ref": body["container"]["$ref"], "display": "Granted",
                                 "name": "Granted"}
    row = _own_row(ss_app, folder, alice.id)
    assert (row.folder_access_role_name, row.secret_access_role_name) == ("Owner", "Owner")

    changed = scim.patch(f"/v2/ContainerPermissions/{body['id']}",
                         [{"op": "replace", "path": "rights", "value": ["editor"]}])
    assert changed.status_code == 200 and changed.json_body["rights"] == ["editor"]
    assert _own_row(ss_app, folder, alice.id).folder_access_role_name == "Edit"

    listed = scim.get(f'/v2/ContainerPermissions?filter=container eq {folder}').json_body
    assert any(r["id"] == body["id"] and r["rights"] == ["editor"] for r in listed["Resources"])

    assert scim.delete(f"/v2/ContainerPermissions/{body['id']}").status_code == 204
    assert _own_row(ss_app, folder, alice.id) is None
    assert scim.get(f"/v2/ContainerPermissions/{body['id']}").status_code == 404


def test_unmapped_right_gives_view_and_a_messages_line(mapped, scim, ss_app, alice):
    folder = _container(scim, "Unmapped")
    granted = _grant(scim, folder, ["superuser"], user=alice.id)
    assert granted.status_code == 201, granted.json_body
    assert _own_row(ss_app, folder, alice.id).folder_access_role_name == "View"
    notes = ScimRequestLog.objects.filter(detail__startswith="SCIM Connector could not find mapping for superuser")
    assert notes.count() == 1 and notes.get().endpoint_name == mapped.endpoint.name


def test_group_grant_and_inheriting_subfolder(mapped, scim, ss_app):
    group = next(g for g in ss_app.search_groups() if g.name not in ("Everyone",) and not g.system_group)
    top = _container(scim, "Inherit Top")
    kid = _container(scim, "Inherit Kid", parent=top)
    assert ss_app.get_folder(int(kid)).inherit_permissions
    granted = _grant(scim, kid, ["adder"], group=group.id)
    assert granted.status_code == 201, granted.json_body
    assert granted.json_body["group"]["value"] == str(group.id)
    rows = [p for p in ss_app.folder_permissions(int(kid)) if p.group_id == group.id and p.user_id is None]
    assert rows and rows[0].folder_access_role_name == "Add Secret"
    assert not ss_app.get_folder(int(kid)).inherit_permissions  # the grant broke the inheritance


def test_second_grant_for_the_same_user_is_409(mapped, scim, alice):
    folder = _container(scim, "Once")
    assert _grant(scim, folder, ["admin"], user=alice.id).status_code == 201
    again = _grant(scim, folder, ["editor"], user=alice.id)
    assert again.status_code == 409 and again.json_body["scimType"] == "uniqueness"


def test_bad_requests(mapped, scim, alice):
    folder = _container(scim, "Bad")
    assert _grant(scim, folder, ["admin"]).status_code == 400  # neither user nor group
    assert _grant(scim, "999999", ["admin"], user=alice.id).status_code == 400
    assert _grant(scim, folder, ["admin"], user=999999).status_code == 400
    created = _grant(scim, folder, ["admin"], user=alice.id).json_body
    moved = scim.patch(f"/v2/ContainerPermissions/{created['id']}",
                       [{"op": "replace", "path": "container.value", "value": "1"}])
    assert moved.status_code == 400 and moved.json_body["scimType"] == "mutability"


def test_connector_folder_permissions_are_not_listed(mapped, scim, connector):
    listed = scim.get("/v2/ContainerPermissions?count=1000").json_body
    assert all(r["container"]["value"] != str(connector.folder_id) for r in listed["Resources"])
    assert scim.get(f"/v2/ContainerPermissions?filter=container.value eq \"{connector.folder_id}\"").json_body[
        "totalResults"] == 0


def test_filter_on_an_absent_container_lists_nothing(mapped, scim):
    listed = scim.get('/v2/ContainerPermissions?filter=container.value eq "999999"')
    assert listed.status_code == 200 and listed.json_body["totalResults"] == 0
