"""Containers ↔ Secret Server folders, checked against Secret Server's own API (the emulator over HTTP)."""
from __future__ import annotations

import pytest

from scim.pam.schemas import CONTAINER_SCHEMA, SS_CONTAINER_SCHEMA
from tests.scim.conftest import ss_calls

pytestmark = pytest.mark.django_db


def _create(scim, name, parent=None, **extension):
    body = {"schemas": [CONTAINER_SCHEMA], "displayName": name}
    if parent is not None:
        body["parent"] = {"value": str(parent)}
    if extension:
        body["schemas"].append(SS_CONTAINER_SCHEMA)
        body[SS_CONTAINER_SCHEMA] = extension
    return scim.post("/v2/Containers", body)


def test_create_under_parent_is_a_folder_in_secret_server(scim, ss_app):
    top = _create(scim, "PAM Top")
    assert top.status_code == 201, top.json_body
    assert "parent" not in top.json_body  # a root folder
    child = _create(scim, "PAM Child", parent=top.json_body["id"])
    assert child.status_code == 201, child.json_body
    body = child.json_body
    assert body["parent"]["value"] == top.json_body["id"] and body["parent"]["display"] == "PAM Top"
    assert body["displayName"] == body["name"] == "PAM Child"
    folder = ss_app.get_folder(int(body["id"]))
    assert folder.folder_name == "PAM Child" and folder.parent_folder_id == int(top.json_body["id"])
    assert folder.inherit_permissions is True
    assert body[SS_CONTAINER_SCHEMA]["inheritPermissions"] is True
    assert scim.get(f"/v2/Containers/{body['id']}").json_body["parent"]["value"] == top.json_body["id"]


def test_empty_parent_means_root(scim, ss_app):
    created = scim.post("/v2/Containers", {"schemas": [CONTAINER_SCHEMA], "displayName": "PAM Root",
                                           "parent": {"value": ""}})
    assert created.status_code == 201, created.json_body
    assert ss_app.get_folder(int(created.json_body["id"])).parent_folder_id == -1


def test_sibling_name_clash_is_409_uniqueness(scim):
    assert _create(scim, "Twice").status_code == 201
    again = _create(scim, "twice")
    assert again.status_code == 409 and again.json_body["scimType"] == "uniqueness"


def test_unknown_parent_is_invalid_value(scim):
    response = _create(scim, "Orphan", parent=999999)
    assert response.status_code == 400 and response.json_body["scimType"] == "invalidValue"


def test_filters_and_paging(scim):
    top = _create(scim, "Filter Top").json_body
    for n in range(3):
        assert _create(scim, f"Filter Kid {n}", parent=top["id"]).status_code == 201
    by_name = scim.get('/v2/Containers?filter=displayName eq "Filter Kid 1"').json_body
    assert by_name["totalResults"] == 1 and by_name["Resources"][0]["displayName"] == "Filter Kid 1"
    for expression in (f'parent.value eq "{top["id"]}"', f'parent eq {top["id"]}', f'parent eq "{top["id"]}"'):
        found = scim.get(f"/v2/Containers?filter={expression}").json_body
        assert found["totalResults"] == 3, expression
    page = scim.get(f'/v2/Containers?filter=parent eq {top["id"]}&startIndex=2&count=1').json_body
    assert page["totalResults"] == 3 and page["itemsPerPage"] == 1 and len(page["Resources"]) == 1
    assert page["Resources"][0]["displayName"] == "Filter Kid 1"
    assert scim.get("/v2/Containers?filter=nosuch eq 1").status_code == 400


def test_rename_move_and_inheritance_by_patch(scim, ss_app):
    a = _create(scim, "Move A").json_body
    b = _create(scim, "Move B").json_body
    kid = _create(scim, "Kid", parent=a["id"]).json_body
    response = scim.patch(f"/v2/Containers/{kid['id']}", [
        {"op": "replace", "path": "displayName", "value": "Kid Renamed"},
        {"op": "replace", "path": "parent.value", "value": b["id"]},
        {"op": "replace", "path": f"{SS_CONTAINER_SCHEMA}:inheritPermissions", "value": False}])
    assert response.status_code == 200, response.json_body
    folder = ss_app.get_folder(int(kid["id"]))
    assert (folder.folder_name, folder.parent_folder_id, folder.inherit_permissions) == \
        ("Kid Renamed", int(b["id"]), False)


def test_delete_refused_while_it_holds_secrets(scim, ss_app):
    box = _create(scim, "Has Secrets").json_body
    stub = ss_app.secret_stub(9, int(box["id"]))
    secret = ss_app.create_secret(stub, name="web", folder_id=int(box["id"]),
                                    fields={"url": "https://x", "username": "u", "password": "P4ss!word"})
    refused = scim.delete(f"/v2/Containers/{box['id']}")
    assert refused.status_code == 409, refused.json_body
    assert "holds secrets" in refused.json_body["detail"]
    assert ss_app.get_folder(int(box["id"])).folder_name == "Has Secrets"
    assert ss_app.get_secret(secret.id).active
    ss_app.delete_secret(secret.id)
    assert scim.delete(f"/v2/Containers/{box['id']}").status_code == 204
    assert scim.get(f"/v2/Containers/{box['id']}").status_code == 404


def test_delete_refused_while_it_holds_containers(scim):
    top = _create(scim, "Has Kids").json_body
    _create(scim, "A kid", parent=top["id"])
    refused = scim.delete(f"/v2/Containers/{top['id']}")
    assert refused.status_code == 409 and "holds other containers" in refused.json_body["detail"]


def test_the_connectors_own_folder_is_not_a_container(scim, connector):
    listed = scim.get("/v2/Containers?count=1000").json_body
    assert str(connector.folder_id) not in {r["id"] for r in listed["Resources"]}
    assert scim.get(f"/v2/Containers/{connector.folder_id}").status_code == 404
    assert scim.delete(f"/v2/Containers/{connector.folder_id}").status_code == 404
    under = _create(scim, "Sneaky", parent=connector.folder_id)
    assert under.status_code == 400


def test_writes_are_audited_with_the_endpoint_as_actor(scim, endpoint):
    from connector.models import AuditEvent

    created = _create(scim, "Audited").json_body
    rows = AuditEvent.objects.filter(action="scim.container.create", target_id=created["id"])
    assert rows.exists() and all(r.actor_name == f"SCIM endpoint {endpoint.endpoint.name}" for r in rows)
