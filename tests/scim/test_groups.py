"""SCIM Groups against the emulator over real HTTP: membership changes are visible in Secret Server's API."""
from urllib.parse import quote

from connector.secretserver import NotFound
from tests.scim.conftest import GROUP_SCHEMA, ss_calls


def ids_of(ss_admin, user_names):
    users = {u.user_name: u.id for u in ss_admin.search_users(include_inactive=True)}
    return [users[n] for n in user_names]


def member_names(ss_admin, group_id):
    return sorted(m.user_name for m in ss_admin.group_users(int(group_id), include_inactive=True))


def new_group(scim, name="Engineering", members=()):
    response = scim.post("/v2/Groups", {"schemas": [GROUP_SCHEMA], "displayName": name,
                                        "members": [{"value": str(m)} for m in members]})
    assert response.status_code == 201, response.json_body
    return response.json_body


def test_created_group_and_its_members_are_in_secret_server(scim, ss_admin):
    alice, bob = ids_of(ss_admin, ["alice", "bob"])
    created = new_group(scim, members=[alice, bob])
    group = ss_admin.get_group(int(created["id"]))
    assert group.name == "Engineering"
    assert member_names(ss_admin, created["id"]) == ["alice", "bob"]
    assert sorted(m["value"] for m in created["members"]) == sorted([str(alice), str(bob)])


def test_existing_name_is_409_and_never_a_renamed_group(scim, ss_admin):
    new_group(scim)
    before = len(ss_admin.search_groups(include_inactive=True))
    for name in ("ENGINEERING", "Everyone"):
        response = scim.post("/v2/Groups", {"schemas": [GROUP_SCHEMA], "displayName": name})
        assert response.status_code == 409 and response.json_body["scimType"] == "uniqueness"
    assert len(ss_admin.search_groups(include_inactive=True)) == before


def test_membership_patches_in_every_dialect_are_visible_in_secret_server(scim, ss_admin):
    alice, bob, carol = ids_of(ss_admin, ["alice", "bob", "carol"])
    group = new_group(scim)
    path = f"/v2/Groups/{group['id']}"
    scim.patch(path, [{"op": "Add", "path": "members", "value": [{"$ref": None, "value": str(alice)}]}])
    scim.patch(path, [{"op": "add", "path": "members", "value": [{"value": str(bob), "display": "Bob"},
                                                                   {"value": str(carol)}]}])
    assert member_names(ss_admin, group["id"]) == ["alice", "bob", "carol"]
    scim.patch(path, [{"op": "Remove", "path": "members", "value": [{"value": str(alice)}]}])  # Entra legacy
    assert member_names(ss_admin, group["id"]) == ["bob", "carol"]
    scim.patch(path, [{"op": "remove", "path": f'members[value eq "{bob}"]'}])
    assert member_names(ss_admin, group["id"]) == ["carol"]
    response = scim.patch(path, [{"op": "replace", "value": {"id": group["id"], "displayName": "Eng"}},
                                 {"op": "replace", "path": "members", "value": [{"value": str(alice)}]}])
    assert response.status_code == 200 and response.json_body["displayName"] == "Eng"
    assert ss_admin.get_group(int(group["id"])).name == "Eng"
    assert member_names(ss_admin, group["id"]) == ["alice"]
    scim.patch(path, [{"op": "remove", "path": "members"}])
    assert member_names(ss_admin, group["id"]) == []


def test_unknown_member_is_refused_and_nothing_changes(scim, ss_admin):
    group = new_group(scim)
    response = scim.patch(f"/v2/Groups/{group['id']}", [{"op": "add", "path": "members", "value": [{"value": "99999"}]}])
    assert response.status_code == 400 and response.json_body["scimType"] == "invalidValue"
    assert member_names(ss_admin, group["id"]) == []


def test_rename_to_an_existing_name_is_409(scim):
    new_group(scim, "One")
    two = new_group(scim, "Two")
    response = scim.patch(f"/v2/Groups/{two['id']}", [{"op": "replace", "path": "displayName", "value": "one"}])
    assert response.status_code == 409


def test_delete_removes_the_group_from_secret_server(scim, ss_admin):
    group = new_group(scim)
    assert scim.delete(f"/v2/Groups/{group['id']}").status_code == 204
    assert scim.get(f"/v2/Groups/{group['id']}").status_code == 404
    try:
        ss_admin.get_group(int(group["id"]))
        raise AssertionError("the group is still in Secret Server")
    except NotFound:
        pass


def test_everyone_and_system_groups_are_not_scim_groups(scim, ss_admin):
    everyone = next(g for g in ss_admin.search_groups() if g.name == "Everyone")
    assert scim.get(f"/v2/Groups/{everyone.id}").status_code == 404
    names = [g["displayName"] for g in scim.get("/v2/Groups?count=1000").json_body["Resources"]]
    assert "Everyone" not in names and names


def test_directory_group_is_refused_for_writes(scim, ss_admin):
    corp = next(g for g in ss_admin.search_groups() if g.name == "CORP Engineers")
    response = scim.patch(f"/v2/Groups/{corp.id}", [{"op": "replace", "path": "displayName", "value": "X"}])
    assert response.status_code == 400 and response.json_body["scimType"] == "mutability"


def test_display_name_filter_and_excluded_members_cost_one_call(scim, ss, ss_admin):
    alice, = ids_of(ss_admin, ["alice"])
    new_group(scim, members=[alice])
    ss.clear_requests()
    response = scim.get("/v2/Groups?excludedAttributes=members&filter=" + quote('displayName eq "engineering"'))
    body = response.json_body
    assert body["totalResults"] == 1 and "members" not in body["Resources"][0]
    assert ss_calls(ss) == ["GET /api/v1/groups"]
    with_members = scim.get("/v2/Groups?filter=" + quote('displayName eq "Engineering"')).json_body
    assert [m["value"] for m in with_members["Resources"][0]["members"]] == [str(alice)]


def test_members_filter(scim, ss_admin):
    alice, bob = ids_of(ss_admin, ["alice", "bob"])
    group = new_group(scim, members=[alice])
    found = scim.get("/v2/Groups?filter=" + quote(f'members[value eq "{alice}"]')).json_body
    assert group["id"] in [g["id"] for g in found["Resources"]]
    none = scim.get("/v2/Groups?filter=" + quote(f'members.value eq "{bob}" and displayName eq "Engineering"'))
    assert none.json_body["totalResults"] == 0


def test_members_the_service_does_not_show_are_never_touched(scim, ss_admin):
    """The application account in a group stays there when an identity provider replaces the members."""
    alice, app = ids_of(ss_admin, ["alice", "scim-app"])
    group = new_group(scim, members=[alice])
    ss_admin.add_group_member(int(group["id"]), app)
    shown = scim.get(f"/v2/Groups/{group['id']}").json_body
    assert [m["value"] for m in shown["members"]] == [str(alice)]
    scim.patch(f"/v2/Groups/{group['id']}", [{"op": "replace", "path": "members", "value": []}])
    assert member_names(ss_admin, group["id"]) == ["scim-app"]


def test_secret_server_calls_of_a_membership_patch(scim, ss, ss_admin):
    """Reading the group and its members, one membership call for all the changes, the members again."""
    alice, bob, carol = ids_of(ss_admin, ["alice", "bob", "carol"])
    group = new_group(scim, members=[alice])
    scim.get("/v2/Users?count=1")  # the user list (who is shown as a member) is cached for the endpoint
    ss.clear_requests()
    scim.patch(f"/v2/Groups/{group['id']}", [
        {"op": "add", "path": "members", "value": [{"value": str(bob)}, {"value": str(carol)}]},
        {"op": "remove", "path": f'members[value eq "{alice}"]'}])
    gid = group["id"]
    assert ss_calls(ss) == [f"GET /api/v1/groups/{gid}", f"GET /api/v1/groups/{gid}/users",
                            f"PATCH /api/v1/groups/{gid}/users", f"GET /api/v1/groups/{gid}/users"]
    assert member_names(ss_admin, gid) == ["bob", "carol"]
