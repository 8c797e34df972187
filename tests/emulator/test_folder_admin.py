"""Folder inheritance, moves, renames and folder-permission reads/updates (extensions doc §4)."""
from .conftest import make_folder, make_secret

DENIED = {"errorCode": "API_AccessDenied", "message": "Access Denied"}


def grant(api, folder_id, user_id, folder_role="View", secret_role="View", **extra):
    return api.ok("POST", "/api/v1/folder-permissions", json={
        "folderId": folder_id, "userId": user_id, "folderAccessRoleName": folder_role,
        "secretAccessRoleName": secret_role, **extra})


def rows(api, folder_id):
    body = api.ok("GET", f"/api/v1/folder-permissions?filter.folderId={folder_id}&take=100")
    return sorted((p["userName"] or p["groupName"], p["folderAccessRoleName"], p["secretAccessRoleName"])
                  for p in body["records"])


def test_an_inheriting_sub_folder_has_exactly_its_parents_permissions(app, as_user):
    parent = make_folder(app, "Parent")
    child = make_folder(app, "Child", parent["id"])
    grandchild = make_folder(app, "Grandchild", child["id"])
    assert child["inheritPermissions"] is True and rows(app, child["id"]) == []
    alice = as_user("alice")
    assert alice.get(f"/api/v1/folders/{grandchild['id']}").json() == DENIED
    grant(app, parent["id"], 5)
    assert alice.ok("GET", f"/api/v1/folders/{grandchild['id']}")["folderName"] == "Grandchild"
    secret = make_secret(app, grandchild["id"], "deep")
    assert alice.ok("GET", f"/api/v1/secrets/{secret['id']}")["name"] == "deep"


def test_changing_an_inheriting_folders_permissions_needs_break_inheritance(app, as_user):
    parent = make_folder(app, "Parent")
    child = make_folder(app, "Child", parent["id"])
    grant(app, parent["id"], 5)
    refused = app.post("/api/v1/folder-permissions", json={"folderId": child["id"], "userId": 6,
                                                           "folderAccessRoleName": "View"})
    assert refused.status_code == 400 and list(refused.json()["modelState"]) == ["breakInheritance"]
    made = grant(app, child["id"], 6, "Edit", "Edit", breakInheritance=True)
    assert made["folderAccessRoleName"] == "Edit"
    assert app.ok("GET", f"/api/v1/folders/{child['id']}")["inheritPermissions"] is False
    assert rows(app, child["id"]) == [("alice", "View", "View"), ("bob", "Edit", "Edit"),
                                      ("scim-app", "Owner", "Owner")]
    # the parent no longer decides: a grant there does not reach the child
    grant(app, parent["id"], 7)
    assert as_user("carol").get(f"/api/v1/folders/{child['id']}").json() == DENIED
    assert as_user("bob").ok("GET", f"/api/v1/folders/{child['id']}")["folderName"] == "Child"


def test_turning_inheritance_back_on_drops_the_folders_own_rows(app, as_user):
    parent = make_folder(app, "Parent")
    child = make_folder(app, "Child", parent["id"])
    grant(app, child["id"], 6, breakInheritance=True)
    back = app.ok("PUT", f"/api/v1/folders/{child['id']}", json={"id": child["id"], "inheritPermissions": True})
    assert back["inheritPermissions"] is True and rows(app, child["id"]) == []
    assert as_user("bob").get(f"/api/v1/folders/{child['id']}").json() == DENIED
    off = app.ok("PUT", f"/api/v1/folders/{child['id']}", json={"inheritPermissions": False})
    assert off["inheritPermissions"] is False and rows(app, child["id"]) == [("scim-app", "Owner", "Owner")]


def test_a_sub_folder_created_without_inheritance_starts_from_a_copy(app):
    parent = make_folder(app, "Parent")
    grant(app, parent["id"], 5)
    child = app.ok("POST", "/api/v1/folders", json={"folderName": "Own", "folderTypeId": 1,
                                                    "parentFolderId": parent["id"], "inheritPermissions": False})
    assert child["inheritPermissions"] is False
    assert rows(app, child["id"]) == [("alice", "View", "View"), ("scim-app", "Owner", "Owner")]


def test_only_owners_change_inheritance_editors_may_rename(app, as_user):
    parent = make_folder(app, "Parent")
    child = make_folder(app, "Child", parent["id"])
    grant(app, parent["id"], 5, "Edit", "Edit")
    alice = as_user("alice")
    assert alice.ok("PUT", f"/api/v1/folders/{child['id']}", json={"folderName": "Renamed"})["folderName"] == "Renamed"
    assert alice.put(f"/api/v1/folders/{child['id']}", json={"inheritPermissions": False}).json() == DENIED
    assert alice.post("/api/v1/folder-permissions", json={"folderId": child["id"], "userId": 6,
                                                          "folderAccessRoleName": "View",
                                                          "breakInheritance": True}).json() == DENIED


def test_moves_and_renames_are_checked(app, as_user):
    a = make_folder(app, "A")
    b = make_folder(app, "B", a["id"])
    c = make_folder(app, "C", b["id"])
    into_self = app.put(f"/api/v1/folders/{a['id']}", json={"parentFolderId": c["id"]})
    assert into_self.status_code == 400 and list(into_self.json()["modelState"]) == ["parentFolderId"]
    assert app.put(f"/api/v1/folders/{a['id']}", json={"parentFolderId": a["id"]}).status_code == 400
    make_folder(app, "Sibling", a["id"])
    clash = app.put(f"/api/v1/folders/{b['id']}", json={"folderName": "SIBLING"})
    assert clash.json()["modelState"] == {"folderName": ["A folder named 'SIBLING' already exists in this location."]}
    moved = app.ok("PUT", f"/api/v1/folders/{c['id']}", json={"parentFolderId": a["id"]})
    assert (moved["parentFolderId"], moved["folderPath"]) == (a["id"], "\\A\\C")
    limited = as_user("limited-app")
    grant(app, a["id"], 4, "Owner", "Owner")
    assert limited.put(f"/api/v1/folders/{c['id']}", json={"parentFolderId": -1}).json() == DENIED
    assert app.ok("PUT", f"/api/v1/folders/{c['id']}", json={"parentFolderId": -1})["folderPath"] == "\\C"
    assert app.put(f"/api/v1/folders/{c['id']}", json={"id": a["id"]}).status_code == 400


def test_delete_refuses_folders_with_sub_folders_or_active_secrets(app):
    parent = make_folder(app, "Parent")
    child = make_folder(app, "Child", parent["id"])
    refused = app.delete(f"/api/v1/folders/{parent['id']}")
    assert (refused.status_code, refused.json()) == (400, {"message": "The request is invalid.",
                                                           "modelState": {"folderId": ["The folder is not empty."]}})
    secret = make_secret(app, child["id"], "inside")
    assert app.delete(f"/api/v1/folders/{child['id']}").status_code == 400
    app.ok("DELETE", f"/api/v1/secrets/{secret['id']}")  # deactivated secrets do not hold a folder
    assert app.ok("DELETE", f"/api/v1/folders/{child['id']}")["objectType"] == "Folder"
    assert app.ok("DELETE", f"/api/v1/folders/{parent['id']}")["id"] == parent["id"]


def test_folder_permission_read_and_update(app, as_user):
    folder = make_folder(app, "Shared")
    row = grant(app, folder["id"], 5)
    assert app.ok("GET", f"/api/v1/folder-permissions/{row['id']}") == row
    changed = app.ok("PUT", f"/api/v1/folder-permissions/{row['id']}", json={
        "id": row["id"], "folderAccessRoleName": "add secret", "secretAccessRoleName": "EDIT"})
    assert (changed["folderAccessRoleName"], changed["secretAccessRoleName"]) == ("Add Secret", "Edit")
    assert changed["folderAccessRoleId"] != row["folderAccessRoleId"]
    bad = app.put(f"/api/v1/folder-permissions/{row['id']}", json={"folderAccessRoleName": "Boss",
                                                                     "secretAccessRoleName": "Root"})
    assert set(bad.json()["modelState"]) == {"folderAccessRoleName", "secretAccessRoleName"}
    alice = as_user("alice")
    assert alice.put(f"/api/v1/folder-permissions/{row['id']}", json={"folderAccessRoleName": "Owner"}).json() == DENIED
    assert as_user("bob").get(f"/api/v1/folder-permissions/{row['id']}").json() == DENIED
    missing = app.get("/api/v1/folder-permissions/9999")
    assert (missing.status_code, missing.json()["errorCode"]) == (404, "API_NotFound")
    assert app.put("/api/v1/folder-permissions/9999", json={}).status_code == 404
    assert alice.ok("GET", f"/api/v1/Folder-Permissions/{row['id']}/")["userName"] == "alice"
