"""Secrets, templates and secret permissions (docs §5, §6)."""
from .conftest import assert_paging, make_folder, make_secret

ITEM_KEYS = {"itemId", "fieldId", "fieldName", "slug", "fieldDescription", "itemValue", "isPassword", "isNotes",
             "isFile", "isList", "listType", "fileAttachmentId", "filename"}
DENIED = {"errorCode": "API_AccessDenied", "message": "Access Denied"}


def test_template_9_is_web_password(app):
    template = app.ok("GET", "/api/v1/secret-templates/9")
    assert template["name"] == "Web Password"
    fields = {f["fieldSlugName"]: f for f in template["fields"]}
    assert {s: f["secretTemplateFieldId"] for s, f in fields.items()} == {
        "url": 38, "username": 39, "password": 40, "notes": 41}
    assert fields["password"]["isPassword"] and fields["notes"]["isNotes"]
    assert "fieldId" not in fields["url"] and "slug" not in fields["url"]
    found = app.ok("GET", "/api/v1/secret-templates?filter.searchText=web")
    assert_paging(found, 1)
    assert found["records"][0]["id"] == 9
    assert app.get("/api/v1/secret-templates/1").status_code == 404


def test_stub_create_and_read_round_trip(emulator, app):
    folder = make_folder(app)
    stub = app.ok("GET", f"/api/v1/secrets/stub?secretTemplateId=9&folderId={folder['id']}")
    assert [i["slug"] for i in stub["items"]] == ["url", "username", "password", "notes"]
    assert all(set(i) == ITEM_KEYS and i["itemValue"] == "" for i in stub["items"])
    secret = make_secret(app, folder["id"], password="p@ss")
    read = app.ok("GET", f"/api/v1/secrets/{secret['id']}")
    assert read["name"] == "SCIMSecret host" and read["folderId"] == folder["id"] and read["active"] is True
    assert read["secretTemplateName"] == "Web Password" and read["enableInheritPermissions"] is True
    items = {i["slug"]: i for i in read["items"]}
    assert items["password"]["itemValue"] == "p@ss" and items["password"]["isPassword"] is True
    assert items["url"]["fieldId"] == 38 and items["url"]["listType"] == "None"
    assert all(set(i) == ITEM_KEYS for i in read["items"])
    assert len(read["lastHeartBeatCheck"]) == 23
    assert emulator.state.secret_items(secret["id"])["password"] == "p@ss"
    perms = app.ok("GET", f"/api/v1/secret-permissions?filter.secretId={secret['id']}")
    assert [(p["userName"], p["secretAccessRoleName"]) for p in perms["records"]] == [("scim-app", "Owner")]


def test_create_validation_and_folder_permission(app, as_user):
    folder = make_folder(app)
    bad = app.post("/api/v1/secrets", json={"secretTemplateId": 9, "folderId": folder["id"],
                                            "items": [{"slug": "nope", "itemValue": "x"}]})
    assert bad.status_code == 400 and {"name", "items"} <= set(bad.json()["modelState"])
    denied = as_user("alice").post("/api/v1/secrets", json={
        "name": "x", "secretTemplateId": 9, "folderId": folder["id"], "items": []})
    assert denied.json() == DENIED
    assert app.get("/api/v1/secrets/stub").status_code == 400


def test_update_fields_and_general(app):
    folder, other = make_folder(app), make_folder(app, "Other")
    secret = make_secret(app, folder["id"])
    secret["name"] = "Renamed"
    for item in secret["items"]:
        if item["slug"] == "notes":
            item["itemValue"] = '{"tokenValue":"t"}'
    updated = app.ok("PUT", f"/api/v1/secrets/{secret['id']}", json=secret)
    assert updated["name"] == "Renamed"
    assert app.ok("GET", f"/api/v1/secrets/{secret['id']}/fields/notes") == '{"tokenValue":"t"}'
    assert app.ok("PUT", f"/api/v1/secrets/{secret['id']}/fields/Password", json={"value": "new"}) == "new"
    assert app.ok("GET", f"/api/v1/secrets/{secret['id']}/fields/password") == "new"
    assert app.put(f"/api/v1/secrets/{secret['id']}", json={"id": 999, "name": "x"}).status_code == 400
    moved = app.ok("PATCH", f"/api/v1/secrets/{secret['id']}/general",
                   json={"data": {"folder": {"dirty": True, "value": other["id"]}}})
    assert moved["folder"]["value"]["folderId"] == other["id"]
    assert app.ok("GET", f"/api/v1/secrets/{secret['id']}")["folderId"] == other["id"]


def test_delete_deactivates_and_activate_restores(app):
    folder = make_folder(app)
    secret = make_secret(app, folder["id"])
    assert app.ok("DELETE", f"/api/v1/secrets/{secret['id']}") == {
        "id": secret["id"], "objectType": "Secret", "responseCodes": []}
    assert app.get(f"/api/v1/secrets/{secret['id']}").json() == DENIED
    assert app.ok("GET", f"/api/v1/secrets/{secret['id']}?includeInactive=true")["active"] is False
    assert app.ok("GET", f"/api/v1/secrets?filter.folderId={folder['id']}")["total"] == 0
    assert app.ok("GET", f"/api/v1/secrets?filter.folderId={folder['id']}&filter.includeInactive=true")["total"] == 1
    assert app.ok("PUT", f"/api/v3/secrets/{secret['id']}/activate")["active"] is True
    assert app.ok("GET", f"/api/v1/secrets/{secret['id']}")["active"] is True


def test_search_filters_and_both_query_forms(app):
    folder, other = make_folder(app), make_folder(app, "Other")
    for name in ("SCIMSecret host", "Endpoint A", "Endpoint B"):
        make_secret(app, folder["id"], name=name)
    make_secret(app, other["id"], name="Elsewhere")
    plain = app.ok("GET", f"/api/v1/secrets?skip=0&take=999999999&filter.folderId={folder['id']}")
    assert_paging(plain, 3)
    assert [s["name"] for s in plain["records"]] == ["Endpoint A", "Endpoint B", "SCIMSecret host"]
    restricted_form = app.ok("GET", (
        f"/api/v1/Secrets?paging.filter.includeRestricted=true&paging.filter.folderid={folder['id']}"
        "&paging.filter.permissionRequired=1&paging.filter.doNotCalculateTotal=true"
        "&paging.sortBy[0].name=name&paging.sortBy[0].direction=Asc&paging.take=999999999"))
    assert [s["name"] for s in restricted_form["records"]] == ["Endpoint A", "Endpoint B", "SCIMSecret host"]
    assert {"id", "name", "folderId", "folderPath", "secretTemplateId", "isRestricted", "requiresApproval",
            "active"} <= set(plain["records"][0])
    assert [s["name"] for s in app.ok("GET", "/api/v1/secrets?filter.searchText=endpoint b")["records"]] == [
        "Endpoint B"]


def test_permissions_inherit_from_the_folder(app, as_user):
    folder = make_folder(app)
    secret = make_secret(app, folder["id"])
    alice = as_user("alice")
    assert alice.get(f"/api/v1/secrets/{secret['id']}").json() == DENIED
    app.ok("POST", "/api/v1/folder-permissions", json={"folderId": folder["id"], "groupId": 1,
                                                        "folderAccessRoleName": "View", "secretAccessRoleName": "View"})
    assert alice.ok("GET", f"/api/v1/secrets/{secret['id']}")["id"] == secret["id"]
    assert alice.put(f"/api/v1/secrets/{secret['id']}/fields/password", json={"value": "x"}).json() == DENIED
    assert alice.delete(f"/api/v1/secrets/{secret['id']}").json() == DENIED


def test_list_role_sees_the_secret_in_search_but_cannot_read_it(app, as_user):
    folder = make_folder(app)
    secret = make_secret(app, folder["id"])
    app.ok("POST", "/api/v1/secret-permissions", json={"secretId": secret["id"], "userName": "bob",
                                                        "secretAccessRoleName": "List"})
    bob = as_user("bob")
    assert [s["id"] for s in bob.ok("GET", "/api/v1/secrets")["records"]] == [secret["id"]]
    assert bob.get(f"/api/v1/secrets/{secret['id']}").json() == DENIED
    assert bob.ok("GET", f"/api/v1/secrets/{secret['id']}/state")["secretState"] == "CannotView"


def test_secret_permissions_crud_and_filters(app, as_user):
    folder = make_folder(app)
    secret = make_secret(app, folder["id"])
    created = app.ok("POST", "/api/v1/secret-permissions/", json={
        "SecretId": secret["id"], "UserId": 5, "SecretAccessRoleName": "Edit"})
    assert (created["userId"], created["userName"], created["groupId"], created["secretAccessRoleName"]) == (
        5, "alice", 105, "Edit")
    by_user = app.ok("GET", f"/api/v1/secret-permissions?filter.userid=5&filter.secretId={secret['id']}")
    assert [p["id"] for p in by_user["records"]] == [created["id"]]
    by_group = app.ok("GET", f"/api/v1/secret-permissions?filter.groupid=105&filter.secretId={secret['id']}")
    assert by_group["total"] == 1
    alice = as_user("alice")
    assert alice.ok("PUT", f"/api/v1/secrets/{secret['id']}/fields/url", json={"value": "https://x"}) == "https://x"
    updated = app.ok("PUT", f"/api/v1/secret-permissions/{created['id']}", json={
        "id": created["id"], "secretId": secret["id"], "secretAccessRoleName": "View"})
    assert updated["secretAccessRoleName"] == "View"
    assert alice.put(f"/api/v1/secrets/{secret['id']}/fields/url", json={"value": "y"}).json() == DENIED
    assert alice.post("/api/v1/secret-permissions", json={"secretId": secret["id"], "userId": 6,
                                                          "secretAccessRoleName": "View"}).json() == DENIED
    assert app.ok("DELETE", f"/api/v1/secret-permissions/{created['id']}")["objectType"] == "SecretPermission"
    assert alice.get(f"/api/v1/secrets/{secret['id']}").json() == DENIED
