"""Users and groups (docs §3) and the seeded cast (docs/cast.md)."""
from .conftest import assert_paging

USER_SUMMARY_KEYS = {"id", "userName", "displayName", "emailAddress", "enabled", "domainId", "domainName",
                     "isApplicationAccount", "isLockedOut", "lastLogin", "loginFailures", "created",
                     "externalUserSource", "twoFactorMethod", "platformIntegrationType"}


def test_current_user_lists_role_permissions_by_name(as_user):
    admin = as_user("admin").ok("GET", "/api/v1/users/current")
    assert {"id", "userName", "displayName", "emailAddress", "permissions"} <= set(admin)
    assert {"name": "Administer Role Permissions"} in admin["permissions"]
    limited = as_user("limited-app").ok("GET", "/api/v1/users/current")
    names = {p["name"] for p in limited["permissions"]}
    assert "Create Root Folders" not in names and "Add Secret" in names
    app_names = {p["name"] for p in as_user("scim-app").ok("GET", "/api/v1/users/current")["permissions"]}
    assert app_names == names | {"Create Root Folders"}


def test_search_users_hides_disabled_unless_asked(app):
    active = app.ok("GET", "/api/v1/users?take=100")
    assert set(active["records"][0]) == USER_SUMMARY_KEYS
    assert "frank" not in {u["userName"] for u in active["records"]}
    everyone = app.ok("GET", "/api/v1/users?take=100&filter.includeInactive=true")
    assert_paging(everyone, 11)
    by_name = {u["userName"]: u for u in everyone["records"]}
    assert set(by_name) == {"admin", "scim-app", "limited-app", "alice", "bob", "carol", "dave", "erin", "frank",
                            "grace.hopper", "alan.turing"}
    assert by_name["erin"]["isLockedOut"] and not by_name["frank"]["enabled"]
    assert by_name["scim-app"]["isApplicationAccount"] and by_name["limited-app"]["isApplicationAccount"]


def test_get_user_has_personal_group_and_flags(app):
    user = app.ok("GET", "/api/v1/users/5")
    assert user["userName"] == "alice" and user["personalGroupId"] == 105 and user["enabled"] is True
    app_account = app.ok("GET", "/api/v1/users/3")
    assert app_account["isApplicationAccount"] is True
    missing = app.get("/api/v1/users/999")
    assert missing.status_code == 404 and missing.json()["message"]


def test_ordinary_users_see_only_themselves(as_user):
    alice = as_user("alice")
    assert alice.ok("GET", "/api/v1/users/5")["userName"] == "alice"
    assert alice.get("/api/v1/users/6").json() == {"errorCode": "API_AccessDenied", "message": "Access Denied"}
    assert alice.get("/api/v1/users").status_code == 400


def test_user_groups_include_everyone_and_auditors(as_user):
    carol = as_user("carol")
    groups = carol.ok("GET", "/api/v1/users/7/groups?skip=0&take=999999999")
    assert {g["groupName"] for g in groups["records"]} == {"Everyone", "SCIM Auditors"}
    assert set(groups["records"][0]) >= {"groupId", "groupName", "userId", "userName", "displayName", "enabled"}


def test_groups_search_get_and_members(app):
    groups = app.ok("GET", "/api/v1/groups?filter.searchText=scim")
    assert [g["name"] for g in groups["records"]] == ["SCIM Auditors"]
    auditors = groups["records"][0]
    assert auditors["memberCount"] == 1
    model = app.ok("GET", f"/api/v1/groups/{auditors['id']}")
    assert model["name"] == "SCIM Auditors" and "memberCount" not in model and model["owners"] == []
    members = app.ok("GET", f"/api/v1/Groups/{auditors['id']}/users/?skip=0&take=999999999")
    assert [m["userName"] for m in members["records"]] == ["carol"]
    everyone = app.ok("GET", "/api/v1/groups/1/users?take=100")
    assert everyone["total"] == 11
    assert app.get("/api/v1/groups/999").status_code == 404
