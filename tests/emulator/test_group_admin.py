"""Groups: create (failWhenNameExists), rename, delete, membership (docs/secretserver-api-extensions.md §2)."""
import pytest

from .conftest import assert_paging, make_folder

DENIED = {"errorCode": "API_AccessDenied", "message": "Access Denied"}
GROUP_MODEL_KEYS = {"id", "name", "enabled", "domainId", "domainName", "domainGuid", "created", "synchronized",
                    "synchronizeNow", "isPlatform", "adGuid", "canEditMembers", "isEditable", "hasGroupOwners",
                    "owners", "ownerGroups", "ownerUsers", "systemGroup"}


def new_group(api, name="Team", **extra):
    return api.ok("POST", "/api/v1/groups", json={"name": name, "enabled": True, "failWhenNameExists": True,
                                                   **extra})


def test_create_returns_the_group_model_and_it_is_searchable(app):
    group = new_group(app)
    assert set(group) == GROUP_MODEL_KEYS
    assert (group["name"], group["enabled"], group["domainId"], group["isEditable"], group["systemGroup"]) == (
        "Team", True, -1, True, False)
    assert app.ok("GET", f"/api/v1/groups/{group['id']}") == group
    found = app.ok("GET", "/api/v1/groups?filter.searchText=TEA")
    assert [(g["id"], g["memberCount"]) for g in found["records"]] == [(group["id"], 0)]


@pytest.mark.parametrize("name", ["Team", "team", "TEAM", "SCIM auditors", "everyone"])
def test_fail_when_name_exists_refuses_a_clash_case_insensitively(app, name):
    new_group(app)
    response = app.post("/api/v1/groups", json={"name": name, "enabled": True, "failWhenNameExists": True})
    assert response.status_code == 400
    assert response.json() == {"message": "The request is invalid.", "errorCode": "API_DuplicateGroupName",
                               "modelState": {"name": [f"A group with the name '{name}' already exists."]}}


def test_without_fail_when_name_exists_a_suffix_is_appended(app):
    new_group(app)
    second = app.ok("POST", "/api/v1/groups", json={"name": "team", "enabled": True})
    third = app.ok("POST", "/api/v1/groups", json={"Name": "Team", "Enabled": True, "FailWhenNameExists": False})
    assert (second["name"], third["name"]) == ("team (2)", "Team (3)")


def test_a_personal_group_name_does_not_clash(app):
    assert new_group(app, "alice")["name"] == "alice"


def test_create_validation_and_permissions(app, as_user):
    assert list(app.post("/api/v1/groups", json={"enabled": True}).json()["modelState"]) == ["name"]
    assert list(app.post("/api/v1/groups", json={"name": "X", "domainId": 42}).json()["modelState"]) == ["domainId"]
    alice = as_user("alice")
    for method, path in (("POST", "/api/v1/groups"), ("GET", "/api/v1/groups"), ("GET", "/api/v1/groups/3"),
                         ("PUT", "/api/v1/groups/3"), ("DELETE", "/api/v1/groups/3"),
                         ("POST", "/api/v1/groups/3/users"), ("DELETE", "/api/v1/groups/3/users/7"),
                         ("GET", "/api/v1/groups/3/users")):
        response = alice.call(method, path, json={"id": 3, "name": "X", "userId": 5})
        assert (response.status_code, response.json()) == (400, DENIED), (method, path)


def test_rename_and_enable(app):
    group = new_group(app)
    renamed = app.ok("PUT", f"/api/v1/groups/{group['id']}", json={"id": group["id"], "name": "Platform Team"})
    assert renamed["name"] == "Platform Team"
    assert app.ok("GET", "/api/v1/groups?filter.searchText=team")["records"][0]["name"] == "Platform Team"
    assert app.ok("PUT", f"/api/v1/groups/{group['id']}", json={"id": group["id"], "name": "platform team"})[
        "name"] == "platform team"  # a case-only rename of itself is no clash
    new_group(app, "Other")
    clash = app.put(f"/api/v1/groups/{group['id']}", json={"id": group["id"], "name": "OTHER"})
    assert clash.json()["errorCode"] == "API_DuplicateGroupName"
    disabled = app.ok("PUT", f"/api/v1/groups/{group['id']}", json={"id": group["id"], "enabled": False})
    assert disabled["enabled"] is False
    assert app.ok("GET", "/api/v1/groups?filter.searchText=platform")["total"] == 0
    assert app.ok("GET", "/api/v1/groups?filter.searchText=platform&filter.includeInactive=true")["total"] == 1


def test_update_errors(app):
    group = new_group(app)
    assert app.put(f"/api/v1/groups/{group['id']}", json={"name": "X"}).json()["modelState"] == {
        "id": ["The Id field is required."]}
    assert list(app.put(f"/api/v1/groups/{group['id']}", json={"id": 1, "name": "X"}).json()["modelState"]) == ["id"]
    missing = app.put("/api/v1/groups/9999", json={"id": 9999, "name": "X"})
    assert (missing.status_code, missing.json()) == (404, {"message": "Group 9999 not found.",
                                                           "errorCode": "API_NotFound"})


@pytest.mark.parametrize("group_id,label", [(1, "Everyone"), (105, "personal")])
def test_everyone_and_personal_groups_are_not_editable(app, group_id, label):
    for method, path, body in (("PUT", f"/api/v1/groups/{group_id}", {"id": group_id, "name": "New"}),
                               ("DELETE", f"/api/v1/groups/{group_id}", None),
                               ("POST", f"/api/v1/groups/{group_id}/users", {"userId": 6}),
                               ("DELETE", f"/api/v1/groups/{group_id}/users/5", None)):
        response = app.call(method, path, json=body)
        assert response.status_code == 400 and label in response.json()["modelState"]["id"][0], (method, path)


def test_synchronized_directory_groups_keep_their_name_and_members(app):
    corp = app.ok("GET", "/api/v1/groups/4")
    assert (corp["synchronized"], corp["domainName"], corp["canEditMembers"]) == (True, "CORP", False)
    assert app.put("/api/v1/groups/4", json={"id": 4, "name": "X"}).status_code == 400
    assert app.post("/api/v1/groups/4/users", json={"userId": 5}).status_code == 400
    members = app.ok("GET", "/api/v1/groups/4/users")
    assert [(m["userName"], m["userDomainName"], m["enabled"]) for m in members["records"]] == [
        ("alan.turing", "CORP", False), ("grace.hopper", "CORP", True)]
    assert app.ok("GET", "/api/v1/groups/4/users?filter.includeInactiveUsersForGroup=false")["total"] == 1


def test_membership_add_list_remove(app, as_user):
    group = new_group(app)
    added = app.ok("POST", f"/api/v1/Groups/{group['id']}/users/", json={"UserId": 5})
    assert added == {"groupId": group["id"], "groupName": "Team", "groupDomainId": -1, "userId": 5,
                     "userName": "alice", "userDomainId": -1}
    app.ok("POST", f"/api/v1/groups/{group['id']}/users", json={"userId": 11})
    members = app.ok("GET", f"/api/v1/groups/{group['id']}/users")
    assert [m["userName"] for m in members["records"]] == ["alice", "grace.hopper"]
    assert app.ok("GET", "/api/v1/groups?filter.searchText=team")["records"][0]["memberCount"] == 2
    alice_groups = as_user("alice").ok("GET", "/api/v1/users/5/groups")
    assert [g["groupName"] for g in alice_groups["records"]] == ["Everyone", "Team"]
    twice = app.post(f"/api/v1/groups/{group['id']}/users", json={"userId": 5})
    assert twice.status_code == 400 and list(twice.json()["modelState"]) == ["userId"]
    assert app.ok("DELETE", f"/api/v1/groups/{group['id']}/users/5") == {"id": 5, "objectType": "GroupUser",
                                                                        "responseCodes": []}
    assert app.delete(f"/api/v1/groups/{group['id']}/users/5").status_code == 404
    assert [g["groupName"] for g in app.ok("GET", "/api/v1/users/5/groups")["records"]] == ["Everyone"]
    assert app.post(f"/api/v1/groups/{group['id']}/users", json={"userId": 999}).status_code == 404
    assert app.post("/api/v1/groups/9999/users", json={"userId": 5}).status_code == 404
    assert list(app.post(f"/api/v1/groups/{group['id']}/users", json={}).json()["modelState"]) == ["userId"]


def test_membership_grants_and_removal_revokes_folder_access(app, as_user):
    group = new_group(app)
    folder = make_folder(app, "Team folder")
    app.ok("POST", "/api/v1/folder-permissions", json={"folderId": folder["id"], "groupId": group["id"],
                                                       "folderAccessRoleName": "View", "secretAccessRoleName": "View"})
    bob = as_user("bob")
    assert bob.get(f"/api/v1/folders/{folder['id']}").json() == DENIED
    app.ok("POST", f"/api/v1/groups/{group['id']}/users", json={"userId": 6})
    assert bob.ok("GET", f"/api/v1/folders/{folder['id']}")["folderName"] == "Team folder"
    app.ok("DELETE", f"/api/v1/groups/{group['id']}/users/6")
    assert bob.get(f"/api/v1/folders/{folder['id']}").json() == DENIED


def test_delete_removes_the_group_and_its_permissions(app, as_user):
    group = new_group(app)
    folder = make_folder(app, "Team folder")
    app.ok("POST", "/api/v1/folder-permissions", json={"folderId": folder["id"], "groupId": group["id"],
                                                       "folderAccessRoleName": "View", "secretAccessRoleName": "View"})
    app.ok("POST", f"/api/v1/groups/{group['id']}/users", json={"userId": 6})
    assert app.ok("DELETE", f"/api/v1/groups/{group['id']}") == {"id": group["id"], "objectType": "Group",
                                                                "responseCodes": []}
    assert app.get(f"/api/v1/groups/{group['id']}").status_code == 404
    assert app.delete(f"/api/v1/groups/{group['id']}").status_code == 404
    perms = app.ok("GET", f"/api/v1/folder-permissions?filter.folderId={folder['id']}")["records"]
    assert [p["groupId"] for p in perms] == [103]  # only scim-app's own Owner row remains
    assert [g["groupName"] for g in app.ok("GET", "/api/v1/users/6/groups")["records"]] == ["Everyone"]
    assert new_group(app)["name"] == "Team"  # the name is free again


def test_search_lists_no_personal_groups_and_pages(app):
    for n in range(7):
        new_group(app, f"Paged {n}")
    names = [g["name"] for g in app.ok("GET", "/api/v1/groups?take=100")["records"]]
    assert "alice" not in names and {"Everyone", "SCIM Auditors", "CORP Engineers"} <= set(names)
    body = app.ok("GET", "/api/v1/groups?filter.searchText=paged&skip=5&take=5")
    assert_paging(body, 7, 5, 5)
    assert [g["name"] for g in body["records"]] == ["Paged 5", "Paged 6"] and body["hasNext"] is False
    assert [g["name"] for g in app.ok("GET", "/api/v1/groups?filter.domainId=1")["records"]] == ["CORP Engineers"]
    desc = app.ok("GET", "/api/v1/groups?filter.searchText=paged&sortBy[0].name=name&sortBy[0].direction=desc")
    assert desc["records"][0]["name"] == "Paged 6"


def test_replace_and_patch_the_member_list_in_one_call(app):
    group = new_group(app)
    members = lambda: [m["userId"] for m in app.ok("GET", f"/api/v1/groups/{group['id']}/users?take=100")["records"]]  # noqa: E731,E501
    assert app.ok("PUT", f"/api/v1/groups/{group['id']}/users", json={"userIds": [5, 6, 6, 7]}) == {"success": True}
    assert sorted(members()) == [5, 6, 7]
    app.ok("PUT", f"/API/V1/GROUPS/{group['id']}/USERS/", json={"UserIds": [7, 8]})
    assert sorted(members()) == [7, 8]
    assert app.ok("PATCH", f"/api/v1/groups/{group['id']}/users",
                  json={"addedUserIds": [5, 7], "removeUserIds": [8, 9]}) == {"success": True}
    assert sorted(members()) == [5, 7]
    unknown = app.put(f"/api/v1/groups/{group['id']}/users", json={"userIds": [5, 999]})
    assert unknown.json()["modelState"] == {"userIds": ["User 999 not found."]}
    assert sorted(members()) == [5, 7]  # nothing changed
    both = app.patch(f"/api/v1/groups/{group['id']}/users", json={"addedUserIds": [6], "removeUserIds": [6]})
    assert both.status_code == 400
    assert list(app.put(f"/api/v1/groups/{group['id']}/users", json={}).json()["modelState"]) == ["userIds"]
    app.ok("PUT", f"/api/v1/groups/{group['id']}/users", json={"userIds": []})
    assert members() == []
    assert [g["groupName"] for g in app.ok("GET", "/api/v1/users/5/groups")["records"]] == ["Everyone"]
    for path in ("/api/v1/groups/1/users", "/api/v1/groups/4/users", "/api/v1/groups/105/users"):
        assert app.put(path, json={"userIds": [5]}).status_code == 400, path
        assert app.patch(path, json={"addedUserIds": [5]}).status_code == 400, path


def test_read_one_member(app, as_user):
    group = new_group(app)
    app.ok("POST", f"/api/v1/groups/{group['id']}/users", json={"userId": 5})
    assert app.ok("GET", f"/api/v1/groups/{group['id']}/users/5") == {
        "groupId": group["id"], "groupName": "Team", "groupDomainId": -1, "userId": 5, "userName": "alice",
        "userDomainId": -1}
    assert app.get(f"/api/v1/groups/{group['id']}/users/6").status_code == 404
    assert app.ok("GET", "/api/v1/groups/1/users/6")["groupName"] == "Everyone"
    assert as_user("alice").get(f"/api/v1/groups/{group['id']}/users/5").json() == DENIED
