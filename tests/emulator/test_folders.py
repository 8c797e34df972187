"""Folders and folder permissions (docs §4)."""
from .conftest import assert_paging, make_folder

FOLDER_KEYS = {"id", "folderName", "folderPath", "parentFolderId", "folderTypeId", "secretPolicyId",
               "inheritPermissions", "inheritSecretPolicy"}
DENIED = {"errorCode": "API_AccessDenied", "message": "Access Denied"}


def test_create_root_folder_makes_the_creator_owner(emulator, app):
    folder = make_folder(app)
    assert FOLDER_KEYS | {"childFolders", "secretTemplates"} <= set(folder)
    assert folder["folderPath"] == "\\SCIM host" and folder["parentFolderId"] == -1
    perms = app.ok("GET", f"/api/v1/folder-permissions?filter.folderid={folder['id']}")
    assert [(p["userName"], p["folderAccessRoleName"], p["secretAccessRoleName"]) for p in perms["records"]] == [
        ("scim-app", "Owner", "Owner")]
    assert emulator.state.folder_by_name("SCIM host")["id"] == folder["id"]


def test_root_folder_needs_create_root_folders(as_user):
    response = as_user("limited-app").post("/api/v1/folders", json={"folderName": "X", "folderTypeId": 1,
                                                                     "parentFolderId": -1})
    assert (response.status_code, response.json()) == (400, DENIED)


def test_folder_validation_and_duplicates(app):
    missing = app.post("/api/v1/folders", json={"folderTypeId": 1, "parentFolderId": -1})
    assert missing.status_code == 400 and "folderName" in missing.json()["modelState"]
    make_folder(app, "Dup")
    again = app.post("/api/v1/folders", json={"folderName": "Dup", "folderTypeId": 1, "parentFolderId": -1})
    assert again.status_code == 400 and again.json()["message"] == "The request is invalid."


def test_search_filters(app):
    root = make_folder(app, "SCIM host")
    child = make_folder(app, "Child", root["id"])
    make_folder(app, "Grandchild", child["id"])
    make_folder(app, "Other")
    by = lambda q: [f["folderName"] for f in app.ok("GET", "/api/v1/folders?take=50&" + q)["records"]]  # noqa: E731
    assert by("filter.searchText=SCIM host") == ["SCIM host"]
    assert sorted(by(f"filter.parentFolderId={root['id']}")) == ["Child", "Grandchild"]
    assert by(f"filter.parentFolderId={root['id']}&filter.limitToDirectDescendents=true") == ["Child"]
    assert sorted(by("filter.onlyIncludeRootFolders=true")) == ["Other", "SCIM host"]
    body = app.ok("GET", "/api/v1/folders?filter.searchText=child")
    assert_paging(body, 2)
    assert set(body["records"][0]) == FOLDER_KEYS


def test_other_users_cannot_see_or_read_the_folder(app, as_user):
    folder = make_folder(app)
    alice = as_user("alice")
    assert alice.ok("GET", "/api/v1/folders")["total"] == 0
    assert alice.get(f"/api/v1/folders/{folder['id']}").json() == DENIED
    assert app.get("/api/v1/folders/9999").json() == DENIED


def test_get_by_id_and_path_with_children(app):
    root = make_folder(app)
    make_folder(app, "Child", root["id"])
    model = app.ok("GET", f"/api/v1/folders/{root['id']}?getAllChildren=true")
    assert [c["folderName"] for c in model["childFolders"]] == ["Child"]
    by_path = app.ok("GET", "/api/v1/folders/0?folderPath=\\SCIM host\\Child")
    assert by_path["folderPath"] == "\\SCIM host\\Child" and by_path["parentFolderId"] == root["id"]


def test_stub_update_and_delete(app):
    stub = app.ok("GET", "/api/v1/folders/stub")
    assert stub["id"] == 0 and stub["parentFolderId"] == -1 and stub["folderTypeId"] == 1
    stub.update(folderName="From stub")
    folder = app.ok("POST", "/api/v1/folders", json=stub)
    folder["folderName"] = "Renamed"
    assert app.ok("PUT", f"/api/v1/folders/{folder['id']}", json=folder)["folderName"] == "Renamed"
    assert app.ok("DELETE", f"/api/v1/folders/{folder['id']}") == {
        "id": folder["id"], "objectType": "Folder", "responseCodes": []}
    assert app.get(f"/api/v1/folders/{folder['id']}").status_code == 400


def test_folder_with_active_secrets_cannot_be_deleted(app):
    from .conftest import make_secret
    folder = make_folder(app)
    make_secret(app, folder["id"])
    assert app.delete(f"/api/v1/folders/{folder['id']}").status_code == 400


def test_folder_permissions_stub_create_delete_and_grant_access(app, as_user):
    folder = make_folder(app)
    stub = app.ok("GET", f"/api/v1/folder-permissions/stub?filter.folderId={folder['id']}")
    assert stub["folderId"] == folder["id"] and stub["folderAccessRoleName"] == "View"
    created = app.ok("POST", "/api/v1/folder-permissions/", json={
        "folderId": folder["id"], "userId": 5, "folderAccessRoleName": "Add Secret", "secretAccessRoleName": "View"})
    assert (created["userName"], created["groupId"], created["folderAccessRoleName"]) == ("alice", 105, "Add Secret")
    assert "domainName" not in created
    alice = as_user("alice")
    assert alice.ok("GET", f"/api/v1/folders/{folder['id']}")["folderName"] == "SCIM host"
    listed = app.ok("GET", f"/api/v1/folder-permissions?filter.folderId={folder['id']}&filter.userId=5")
    assert [p["id"] for p in listed["records"]] == [created["id"]] and "domainName" in listed["records"][0]
    # alice is not owner: she cannot share the folder
    assert alice.post("/api/v1/folder-permissions", json={
        "folderId": folder["id"], "userId": 6, "folderAccessRoleName": "View"}).json() == DENIED
    assert app.ok("DELETE", f"/api/v1/folder-permissions/{created['id']}")["objectType"] == "FolderPermission"
    assert alice.get(f"/api/v1/folders/{folder['id']}").json() == DENIED


def test_folder_permission_validation(app):
    folder = make_folder(app)
    bad = app.post("/api/v1/folder-permissions", json={"folderId": folder["id"], "folderAccessRoleName": "Boss"})
    assert bad.status_code == 400
    assert {"folderAccessRoleName", "userId"} <= set(bad.json()["modelState"])
