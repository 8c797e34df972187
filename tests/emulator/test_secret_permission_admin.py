"""Secret permissions: read by id, update, delete, errors (contract §6; extensions doc §5)."""
from .conftest import make_folder, make_secret

DENIED = {"errorCode": "API_AccessDenied", "message": "Access Denied"}


def test_read_update_delete_a_secret_permission(app, as_user):
    secret = make_secret(app, make_folder(app)["id"])
    row = app.ok("POST", "/api/v1/Secret-Permissions/", json={"SecretId": secret["id"], "UserName": "ALICE",
                                                               "SecretAccessRoleName": "view"})
    assert (row["userName"], row["secretAccessRoleName"], row["groupId"]) == ("alice", "View", 105)
    assert app.ok("GET", f"/api/v1/secret-permissions/{row['id']}") == row
    alice = as_user("alice")
    assert alice.ok("GET", f"/api/v1/secret-permissions/{row['id']}")["id"] == row["id"]
    assert as_user("bob").get(f"/api/v1/secret-permissions/{row['id']}").json() == DENIED
    assert alice.put(f"/api/v1/secret-permissions/{row['id']}", json={"secretAccessRoleName": "Owner"}).json() == DENIED
    edited = app.ok("PUT", f"/api/v1/secret-permissions/{row['id']}", json={"id": row["id"],
                                                                            "secretAccessRoleName": "edit"})
    assert edited["secretAccessRoleName"] == "Edit"
    assert app.put(f"/api/v1/secret-permissions/{row['id']}", json={"secretAccessRoleName": "None"}).status_code == 400
    assert app.ok("DELETE", f"/api/v1/secret-permissions/{row['id']}") == {
        "id": row["id"], "objectType": "SecretPermission", "responseCodes": []}
    for method in ("GET", "PUT", "DELETE"):
        missing = app.call(method, f"/api/v1/secret-permissions/{row['id']}", json={"secretAccessRoleName": "View"})
        assert (missing.status_code, missing.json()["errorCode"]) == (404, "API_NotFound"), method


def test_a_group_permission_reaches_its_members_and_leaves_with_them(app, as_user):
    secret = make_secret(app, make_folder(app)["id"])
    group = app.ok("POST", "/api/v1/groups", json={"name": "Readers", "enabled": True, "failWhenNameExists": True})
    app.ok("POST", "/api/v1/secret-permissions", json={"secretId": secret["id"], "groupId": group["id"],
                                                       "secretAccessRoleName": "View"})
    bob = as_user("bob")
    assert bob.get(f"/api/v1/secrets/{secret['id']}").json() == DENIED
    app.ok("POST", f"/api/v1/groups/{group['id']}/users", json={"userId": 6})
    assert bob.ok("GET", f"/api/v1/secrets/{secret['id']}")["id"] == secret["id"]
    app.ok("PUT", f"/api/v1/groups/{group['id']}", json={"id": group["id"], "enabled": False})
    assert bob.get(f"/api/v1/secrets/{secret['id']}").json() == DENIED  # a disabled group grants nothing
