"""Roles: list, read, a user's roles, assign/replace/remove (extensions doc §6)."""
from .conftest import assert_paging

DENIED = {"errorCode": "API_AccessDenied", "message": "Access Denied"}
ROLE_IDS = {"Administrator": 1, "SCIM Application": 2, "SCIM Application (limited)": 3, "User": 4, "Auditor": 5}


def test_list_and_read_roles(app):
    body = app.ok("GET", "/api/v1/roles?take=100")
    assert_paging(body, 5)
    assert {r["name"]: r["id"] for r in body["records"]} == ROLE_IDS
    assert [r["name"] for r in body["records"]] == sorted(ROLE_IDS)  # default sort: name
    assert set(body["records"][0]) == {"id", "name", "enabled", "isSystem", "created"}
    admin = app.ok("GET", "/api/v1/roles/1")
    assert (admin["name"], admin["isSystem"], admin["enabled"]) == ("Administrator", True, True)
    missing = app.get("/api/v1/roles/99")
    assert (missing.status_code, missing.json()["errorCode"]) == (404, "API_NotFound")
    assert [r["name"] for r in app.ok("GET", "/api/v1/roles?filter.userId=5")["records"]] == ["User"]
    assert [r["name"] for r in app.ok("GET", "/api/v1/roles?filter.groupId=4")["records"]] == ["Auditor"]
    assert app.ok("GET", "/api/v1/roles?filter.userId=999")["total"] == 0


def test_a_users_roles_direct_and_through_groups(app):
    grace = app.ok("GET", "/api/v1/users/11/roles")
    assert [(r["name"], r["roleId"]) for r in grace["records"]] == [("Auditor", 5), ("User", 4)]
    assigned = {r["roleName"]: r for r in app.ok("GET", "/api/v1/users/11/roles-assigned")["records"]}
    assert assigned["User"] == {"roleId": 4, "roleName": "User", "isDirectAssignment": True, "groups": []}
    assert assigned["Auditor"] == {"roleId": 5, "roleName": "Auditor", "isDirectAssignment": False,
                                   "groups": [{"groupId": 4, "groupName": "CORP Engineers"}]}


def test_assign_replace_and_remove_change_the_permissions(as_user, app):
    alice = as_user("alice")
    assert alice.get("/api/v1/users").json() == DENIED
    assert app.ok("POST", "/api/v1/users/5/roles", json={"roleIds": [5, 4]}) == {"success": True}
    assert [r["name"] for r in alice.ok("GET", "/api/v1/users/5/roles")["records"]] == ["Auditor", "User"]
    assert alice.ok("GET", "/api/v1/users?take=1")["total"] >= 1  # Auditor gives View Users at once
    assert {"name": "View Roles"} in alice.ok("GET", "/api/v1/users/current")["permissions"]
    assert app.ok("DELETE", "/api/v1/users/5/roles", json={"RoleIds": [5]}) == {"success": True}
    assert alice.get("/api/v1/users").json() == DENIED
    app.ok("DELETE", "/api/v1/users/5/roles?roleIds=4")  # query form for clients without DELETE bodies
    assert alice.ok("GET", "/api/v1/users/5/roles")["total"] == 0
    app.ok("PUT", "/api/v1/users/5/roles", json={"roleIds": [4, 5, 4]})
    assert [r["name"] for r in alice.ok("GET", "/api/v1/users/5/roles")["records"]] == ["Auditor", "User"]
    app.ok("PUT", "/api/v1/users/5/roles", json={"roleIds": []})
    assert alice.ok("GET", "/api/v1/users/5/roles")["total"] == 0


def test_role_changes_are_validated_and_need_assign_roles(app, as_user):
    unknown = app.post("/api/v1/users/5/roles", json={"roleIds": [99]})
    assert unknown.status_code == 400 and unknown.json()["modelState"] == {"roleIds": ["Role 99 not found."]}
    assert list(app.post("/api/v1/users/5/roles", json={}).json()["modelState"]) == ["roleIds"]
    assert list(app.post("/api/v1/users/5/roles", json={"roleIds": []}).json()["modelState"]) == ["roleIds"]
    assert app.post("/api/v1/users/999/roles", json={"roleIds": [4]}).status_code == 404
    bob = as_user("bob")
    for method, path in (("POST", "/api/v1/users/6/roles"), ("PUT", "/api/v1/users/6/roles"),
                         ("DELETE", "/api/v1/users/6/roles"), ("GET", "/api/v1/roles"), ("GET", "/api/v1/roles/1"),
                         ("GET", "/api/v1/users/5/roles"), ("GET", "/api/v1/users/5/roles-assigned")):
        response = bob.call(method, path, json={"roleIds": [1]})
        assert (response.status_code, response.json()) == (400, DENIED), (method, path)
    assert [r["name"] for r in bob.ok("GET", "/api/v1/users/6/roles")["records"]] == ["User"]  # themselves
