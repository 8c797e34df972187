"""Users: create, update, disable, password policy, filters (docs/secretserver-api-extensions.md §1)."""
import pytest
import requests

from .conftest import assert_paging, token_for

DENIED = {"errorCode": "API_AccessDenied", "message": "Access Denied"}
USER_MODEL_KEYS = {"id", "userName", "displayName", "emailAddress", "enabled", "domainId", "isApplicationAccount",
                   "isLockedOut", "lockOutReason", "lockOutReasonDescription", "loginFailures", "lastLogin",
                   "lastSessionActivity", "passwordLastChanged", "created", "personalGroupId", "adGuid",
                   "adAccountExpires", "externalUserSource", "twoFactor", "duoTwoFactor", "oathTwoFactor",
                   "radiusTwoFactor", "radiusUserName"}
GOOD = "Zoe-Passw0rd!"


def new_user(api, name="zoe", **extra):
    body = {"userName": name, "displayName": "Zoe Zimmer", "password": GOOD, "emailAddress": "zoe@corp.local",
            **extra}
    return api.ok("POST", "/api/v1/users", json=body)


def token_status(emulator, user, password):
    return requests.post(f"{emulator.url}/oauth2/token", timeout=5, data={
        "grant_type": "password", "username": user, "password": password}).status_code


def test_create_returns_the_user_model_and_the_user_can_sign_in(emulator, app):
    user = new_user(app)
    assert USER_MODEL_KEYS <= set(user)
    assert (user["userName"], user["displayName"], user["emailAddress"], user["enabled"], user["domainId"]) == (
        "zoe", "Zoe Zimmer", "zoe@corp.local", True, -1)
    assert user["personalGroupId"] not in (None, 0) and user["isApplicationAccount"] is False
    assert "password" not in user
    assert app.ok("GET", f"/api/v1/users/{user['id']}") == user
    assert token_for(emulator.url, "ZOE", GOOD)["access_token"]
    personal = app.ok("GET", f"/api/v1/groups/{user['personalGroupId']}")
    assert personal["name"] == "zoe" and personal["isEditable"] is False
    found = app.ok("GET", "/api/v1/users?filter.searchText=ZIMMER")
    assert [u["id"] for u in found["records"]] == [user["id"]]


def test_create_is_case_insensitive_on_path_and_keys(app):
    user = app.ok("POST", "/API/V1/Users/", json={"UserName": "Yan", "DISPLAYNAME": "Yan Y", "Password": GOOD,
                                                   "Enabled": False})
    assert (user["userName"], user["enabled"]) == ("Yan", False)


@pytest.mark.parametrize("name", ["alice", "ALICE", "Alice", " alice "])
def test_duplicate_user_names_are_refused_case_insensitively(app, name):
    response = app.post("/api/v1/users", json={"userName": name, "displayName": "X", "password": GOOD})
    assert response.status_code == 400
    assert response.json() == {"message": "The request is invalid.", "errorCode": "API_DuplicateUserName",
                               "modelState": {"userName": [f"A user with the user name '{name.strip()}' already exists."]}}


def test_a_local_user_may_share_a_name_with_a_directory_user(emulator, app):
    local = new_user(app, "Grace.Hopper")
    assert local["domainId"] == -1 and local["id"] != 11
    both = app.ok("GET", "/api/v1/users?filter.searchText=grace.hopper")
    assert sorted((u["userName"], u["domainId"]) for u in both["records"]) == [("Grace.Hopper", -1),
                                                                              ("grace.hopper", 1)]
    assert emulator.state.user_by_name("grace.hopper")["id"] == local["id"]


@pytest.mark.parametrize("password,broken", [
    ("Sh0rt!", "at least 8 characters"),
    ("alllower-passw0rd", "upper-case"),
    ("ALLUPPER-PASSW0RD", "lower-case"),
    ("No-Digits-Here", "number"),
    ("NoSymbols0here", "symbol"),
])
def test_the_password_policy_is_enforced_on_create(app, password, broken):
    response = app.post("/api/v1/users", json={"userName": "weak", "displayName": "Weak", "password": password})
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "The request is invalid." and list(body["modelState"]) == ["password"]
    assert len(body["modelState"]["password"]) == 1 and broken in body["modelState"]["password"][0]
    assert app.ok("GET", "/api/v1/users?filter.searchText=weak&filter.includeInactive=true")["total"] == 0


def test_create_validation_names_every_bad_field(app):
    response = app.post("/api/v1/users", json={"emailAddress": "not-an-email"})
    assert response.status_code == 400
    assert set(response.json()["modelState"]) == {"userName", "displayName", "password", "emailAddress"}
    assert app.post("/api/v1/users", data="[1]", headers={"Content-Type": "application/json"}).status_code == 400


def test_directory_users_need_no_password_but_a_known_domain(app):
    made = app.ok("POST", "/api/v1/users", json={"userName": "ada", "displayName": "Ada", "domainId": 1})
    assert (made["domainId"], made["externalUserSource"]) == (1, "ActiveDirectory")
    unknown = app.post("/api/v1/users", json={"userName": "x", "displayName": "X", "domainId": 42})
    assert list(unknown.json()["modelState"]) == ["domainId"]


def test_only_user_administrators_may_create_update_or_delete(as_user, emulator):
    alice = as_user("alice")
    for method, path in (("POST", "/api/v1/users"), ("PUT", "/api/v1/users/6"), ("DELETE", "/api/v1/users/6"),
                         ("PUT", "/api/v1/users/5")):
        response = alice.call(method, path, json={"id": 6, "userName": "x", "displayName": "X", "password": GOOD})
        assert (response.status_code, response.json()) == (400, DENIED), (method, path)
    anonymous = requests.post(f"{emulator.url}/api/v1/users", timeout=5, json={"userName": "x"})
    assert (anonymous.status_code, anonymous.json()) == (403, {"message": "Authentication failed."})
    bad = requests.put(f"{emulator.url}/api/v1/users/5", timeout=5, json={"enabled": False},
                       headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 403


def test_update_changes_only_what_is_sent(app):
    user = new_user(app)
    updated = app.ok("PUT", f"/api/v1/users/{user['id']}", json={"id": user["id"], "displayName": "Zoe Z.",
                                                                  "userName": "renamed-is-ignored"})
    assert (updated["displayName"], updated["emailAddress"], updated["userName"]) == (
        "Zoe Z.", "zoe@corp.local", "zoe")
    cleared = app.ok("PUT", f"/api/v1/users/{user['id']}", json={"emailAddress": ""})
    assert cleared["emailAddress"] == "" and cleared["displayName"] == "Zoe Z."
    # the search sees the new values at once, not the old ones
    assert app.ok("GET", "/api/v1/users?filter.searchText=zoe z.")["total"] == 1
    assert app.ok("GET", "/api/v1/users?filter.searchText=zoe@corp.local")["total"] == 0


def test_disable_blocks_sign_in_and_live_tokens_and_enable_restores(emulator, app):
    user = new_user(app)
    token = token_for(emulator.url, "zoe", GOOD)["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{emulator.url}/api/v1/users/current", headers=headers, timeout=5).status_code == 200
    assert app.ok("PUT", f"/api/v1/users/{user['id']}", json={"id": user["id"], "enabled": False})["enabled"] is False
    assert requests.get(f"{emulator.url}/api/v1/users/current", headers=headers, timeout=5).status_code == 403
    assert token_status(emulator, "zoe", GOOD) == 400
    assert app.ok("GET", "/api/v1/users?filter.searchText=zoe")["total"] == 0
    listed = app.ok("GET", "/api/v1/users?filter.searchText=zoe&filter.includeInactive=true")["records"]
    assert [(u["userName"], u["enabled"]) for u in listed] == [("zoe", False)]
    assert app.ok("PUT", f"/api/v1/users/{user['id']}", json={"id": user["id"], "enabled": "true"})["enabled"]
    assert token_status(emulator, "zoe", GOOD) == 200


def test_password_change_by_an_administrator(emulator, app):
    user = new_user(app)
    weak = app.put(f"/api/v1/users/{user['id']}", json={"id": user["id"], "password": "weak"})
    assert weak.status_code == 400 and list(weak.json()["modelState"]) == ["password"]
    assert token_status(emulator, "zoe", GOOD) == 200  # nothing changed
    app.ok("PUT", f"/api/v1/users/{user['id']}", json={"id": user["id"], "password": "Brand-New-Passw0rd!"})
    assert token_status(emulator, "zoe", GOOD) == 400
    assert token_status(emulator, "zoe", "Brand-New-Passw0rd!") == 200


def test_password_history_when_the_seed_turns_it_on(emulator, app):
    emulator.state.settings["passwordPolicy"] = {"enablePasswordHistory": True, "passwordHistoryItems": 2}
    user = new_user(app)
    path = f"/api/v1/users/{user['id']}"
    assert app.put(path, json={"password": GOOD}).status_code == 400  # the current one
    app.ok("PUT", path, json={"password": "Second-Passw0rd!"})
    reused = app.put(path, json={"password": GOOD})
    assert "used recently" in reused.json()["modelState"]["password"][0]


def test_update_errors(app, as_user):
    assert app.put("/api/v1/users/6", json={"id": 7, "displayName": "B"}).json()["modelState"] == {
        "id": ["The id in the body must match the URL."]}
    missing = app.put("/api/v1/users/999", json={"id": 999})
    assert (missing.status_code, missing.json()) == (404, {"message": "User 999 not found.",
                                                           "errorCode": "API_NotFound"})
    assert list(app.put("/api/v1/users/3", json={"enabled": False}).json()["modelState"]) == ["enabled"]
    assert list(app.put("/api/v1/users/11", json={"password": GOOD}).json()["modelState"]) == ["password"]
    assert app.put("/api/v1/users/6", json={"enabled": "maybe"}).status_code == 400
    assert app.put("/api/v1/users/6", json={"displayName": "   "}).status_code == 400


def test_directory_users_can_be_disabled_and_enabled(app):
    assert app.ok("PUT", "/api/v1/users/11", json={"id": 11, "enabled": False})["enabled"] is False
    assert app.ok("PUT", "/api/v1/users/12", json={"id": 12, "enabled": True})["enabled"] is True


def test_unlock_resets_login_failures(app):
    erin = app.ok("PUT", "/api/v1/users/9", json={"id": 9, "isLockedOut": False})
    assert (erin["isLockedOut"], erin["loginFailures"]) == (False, 0)


def test_delete_disables_and_a_second_delete_is_404(emulator, app):
    user = new_user(app)
    assert app.ok("DELETE", f"/api/v1/users/{user['id']}") == {"id": user["id"], "objectType": "User",
                                                              "responseCodes": []}
    assert app.ok("GET", f"/api/v1/users/{user['id']}")["enabled"] is False
    again = app.delete(f"/api/v1/users/{user['id']}")
    assert (again.status_code, again.json()["errorCode"]) == (404, "API_NotFound")
    assert app.delete("/api/v1/users/999").status_code == 404
    assert app.delete("/api/v1/users/3").status_code == 400  # yourself
    assert token_status(emulator, "zoe", GOOD) == 400


def test_change_own_password(emulator, as_user):
    bob = as_user("bob")
    wrong = bob.post("/api/v1/users/change-password", json={"currentPassword": "nope", "newPassword": "x"})
    assert set(wrong.json()["modelState"]) == {"currentPassword", "newPassword"}
    changed = bob.ok("POST", "/api/v1/users/change-password",
                     json={"currentPassword": "Bob-Passw0rd!", "newPassword": "Bobs-New-Passw0rd!"})
    assert changed["userName"] == "bob" and USER_MODEL_KEYS <= set(changed)
    assert token_status(emulator, "bob", "Bobs-New-Passw0rd!") == 200


def test_search_by_ids_domain_and_fields(app):
    ids = lambda q: [u["id"] for u in app.ok("GET", "/api/v1/users?take=100&" + q)["records"]]  # noqa: E731
    assert sorted(ids("filter.userIds=5&filter.userIds=6")) == [5, 6]
    assert sorted(ids("filter.userIds[0]=5&filter.userIds[1]=7")) == [5, 7]
    assert sorted(ids("filter.userIds[]=5&filter.userIds[]=999")) == [5]
    assert sorted(ids("filter.userIds=5,6,10")) == [5, 6]
    assert sorted(ids("filter.userIds=5,6,10&filter.includeInactive=true")) == [5, 6, 10]
    assert ids("filter.domainId=1&filter.includeInactive=true") == [12, 11]  # sorted by userName
    assert ids("filter.domainId=1") == [11]
    assert ids("filter.searchText=example.test&filter.searchFields[]=userName") == []
    assert 5 in ids("filter.searchText=ALICE@EXAMPLE&filter.searchFields[]=emailAddress")
    corp = app.ok("GET", "/api/v1/users?filter.domainId=1")["records"][0]
    assert (corp["domainName"], corp["externalUserSource"]) == ("CORP", "ActiveDirectory")


def test_search_pages_are_stable_and_complete(app):
    for n in range(12):
        new_user(app, f"page-user-{n:02d}")
    seen, skip = [], 0
    while True:
        body = app.ok("GET", f"/api/v1/users?filter.searchText=page-user&skip={skip}&take=5")
        assert_paging(body, 12, skip, 5)
        seen += [u["userName"] for u in body["records"]]
        if not body["hasNext"]:
            break
        skip = body["nextSkip"]
    assert seen == [f"page-user-{n:02d}" for n in range(12)]
