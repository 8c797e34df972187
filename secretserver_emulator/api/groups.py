"""Groups (docs §3): search, read, create, update, delete, membership.

Reading groups needs "View Groups" or "Administer Groups"; creating, renaming,
deleting and changing members needs "Administer Groups" (UNCONFIRMED which role
permissions gate what; group owners are not modelled). Missing permission is
the contract's 400 Access Denied.

Special groups, as Secret Server has them: `Everyone` (every user, implicitly;
its members cannot be changed, it cannot be renamed or deleted) and one
personal group per user (named after the user, not listed by the group search,
not editable). Group names are unique per domain, case-insensitively, among
non-personal groups. Directory-synchronized groups take their name and members
from the directory, so both are read-only here (UNCONFIRMED).
"""
from __future__ import annotations

from ..http import ApiError, as_int, deleted, invalid, iso, not_found, page
from ..router import route
from ..state import LOCAL_DOMAIN
from .users import USER_READERS, bool_field, domain_field, domain_name, get_user, require, text_field

GROUP_READERS = ("View Groups", "Administer Groups")
GROUP_ADMINS = ("Administer Groups",)
MAX_GROUP_NAME = 255  # UNCONFIRMED


def _created(row):
    return row.get("created", "")[:23] if row.get("created") else None


def group_user_summary(state, group: dict, user: dict) -> dict:
    return {"groupId": group["id"], "groupName": group["name"], "groupDomainId": group.get("domainId", LOCAL_DOMAIN),
            "groupDomainName": domain_name(state, group.get("domainId", LOCAL_DOMAIN)),
            "userId": user["id"], "userName": user["userName"], "userDomainId": user.get("domainId", LOCAL_DOMAIN),
            "userDomainName": domain_name(state, user.get("domainId", LOCAL_DOMAIN)),
            "displayName": user["displayName"], "enabled": user.get("enabled", True)}


def group_summary(state, group: dict) -> dict:
    domain_id = group.get("domainId", LOCAL_DOMAIN)
    return {"id": group["id"], "name": group["name"], "enabled": group.get("enabled", True), "domainId": domain_id,
            "domainName": domain_name(state, domain_id), "domainGuid": None, "created": _created(group),
            "memberCount": len(state.users) if group.get("everyone") else len(group.get("memberIds", [])),
            "synchronized": bool(group.get("synchronized")), "synchronizeNow": False, "isPlatform": False}


def is_special(group: dict) -> bool:
    return bool(group.get("everyone") or group.get("personalUserId"))


def group_model(state, group: dict) -> dict:
    model = group_summary(state, group)
    model.pop("memberCount")
    model.update({"adGuid": group.get("adGuid"),
                  "canEditMembers": not is_special(group) and not group.get("synchronized"),
                  "isEditable": not is_special(group), "hasGroupOwners": False, "owners": [],
                  "ownerGroups": [], "ownerUsers": [], "systemGroup": bool(group.get("everyone"))})
    return model


def member_group_ids(state, user: dict) -> set[int]:
    """Everyone plus explicit memberships (enabled or not); never the personal group."""
    ids = set(state._everyone_ids) | state._groups_of_user.get(user["id"], set())
    return {g for g in ids if g in state.groups and not state.groups[g].get("personalUserId")}


def duplicate_group(name: str) -> ApiError:
    """UNCONFIRMED body: the validation envelope naming `name`, plus an errorCode of our choosing."""
    return ApiError(400, {"message": "The request is invalid.", "errorCode": "API_DuplicateGroupName",
                          "modelState": {"name": [f"A group with the name '{name}' already exists."]}})


def _group(ctx, id, perms=GROUP_READERS):
    require(ctx.state, ctx.user, perms)
    group = ctx.state.groups.get(id)
    if not group:
        raise not_found("Group", id)
    return group


def _editable(group, what: str):
    if group.get("everyone"):
        raise invalid({"id": f"The Everyone group cannot be {what}."})
    if group.get("personalUserId"):
        raise invalid({"id": f"A personal group cannot be {what}."})


def _name(data, errors, required=True):
    return text_field(data, "name", errors, "Name", required, max_length=MAX_GROUP_NAME)


# ---- reads -------------------------------------------------------------------------------

@route("GET", "/api/v1/groups")
def search_groups(ctx):
    """filter.searchText (name substring), filter.includeInactive, filter.domainId, paging. Personal groups
    are not listed (UNCONFIRMED, as in the UI)."""
    state, q = ctx.state, ctx.query
    require(state, ctx.user, GROUP_READERS)
    text = (q.get("filter.searchtext") or "").strip().lower()
    inactive = ctx.flag("filter.includeinactive")
    domain_id = as_int(q.get("filter.domainid"))
    rows = [g for g in state.groups.values()
            if not g.get("personalUserId") and (inactive or g.get("enabled", True))
            and (domain_id is None or g.get("domainId", LOCAL_DOMAIN) == domain_id)
            and text in g["name"].lower()]
    rows.sort(key=lambda g: g["id"])
    return page(rows, q, "name", build=lambda g: group_summary(state, g))


@route("GET", "/api/v1/groups/{id:int}")
def read_group(ctx, id):
    return group_model(ctx.state, _group(ctx, id))


@route("GET", "/api/v1/users/{id:int}/groups")
def user_groups(ctx, id):
    """GroupUserSummary rows of the user's groups: Everyone and explicit memberships, not the personal group.
    The user themselves, or a user reader."""
    state = ctx.state
    if id != ctx.user["id"]:
        require(state, ctx.user, USER_READERS)
    user = get_user(state, id)
    rows = [state.groups[g] for g in sorted(member_group_ids(state, user))]
    return page(rows, ctx.query, "groupName", build=lambda g: group_user_summary(state, g, user))


@route("GET", "/api/v1/groups/{id:int}/users")
def group_users(ctx, id):
    """filter.includeInactiveUsersForGroup (default true, UNCONFIRMED), filter.userDomainId, paging."""
    state, q = ctx.state, ctx.query
    group = _group(ctx, id)
    inactive = ctx.flag("filter.includeinactiveusersforgroup", True)
    domain_id = as_int(q.get("filter.userdomainid"))
    users = [state.users[u] for u in state.group_member_ids(group) if u in state.users]
    rows = [u for u in users if (inactive or u.get("enabled", True))
            and (domain_id is None or u.get("domainId", LOCAL_DOMAIN) == domain_id)]
    return page(rows, q, "userName", build=lambda u: group_user_summary(state, group, u))


# ---- writes ------------------------------------------------------------------------------

@route("POST", "/api/v1/groups")
def create_group(ctx):
    """GroupCreateArgs: name, enabled (default true), domainId, failWhenNameExists, synchronized, adGuid.

    A name clash without failWhenNameExists creates the group under a suffixed name, as the swagger
    documents; the suffix format ` (2)`, ` (3)`… is UNCONFIRMED.
    """
    state, data = ctx.state, ctx.data()
    require(state, ctx.user, GROUP_ADMINS)
    errors = {}
    name = _name(data, errors)
    enabled = bool_field(data, "enabled", errors, True)
    domain_id = domain_field(state, data, errors)
    fail = data.get("failWhenNameExists")
    fail = fail is True or (isinstance(fail, str) and fail.lower() == "true")
    if errors:
        raise invalid(errors)
    if state.group_by_name(name, domain_id):
        if fail:
            raise duplicate_group(name)
        n = 2
        while state.group_by_name(f"{name} ({n})", domain_id):
            n += 1
        name = f"{name} ({n})"
    group = state.add_group({"id": state.new_id("groups"), "name": name, "memberIds": [], "enabled": enabled,
                             "everyone": False, "personalUserId": None, "domainId": domain_id,
                             "synchronized": domain_id != LOCAL_DOMAIN and bool(data.get("synchronized")),
                             "adGuid": data.get("adGuid") if domain_id != LOCAL_DOMAIN else None,
                             "created": iso(ctx.now)})
    return group_model(state, group)


@route("PUT", "/api/v1/groups/{id:int}")
def update_group(ctx, id):
    """GroupUpdateArgs: id (required, = path), name (rename; unique), enabled."""
    state, data = ctx.state, ctx.data()
    group = _group(ctx, id, GROUP_ADMINS)
    errors = {}
    body_id = as_int(data.get("id"))
    if body_id is None:
        errors["id"] = "The Id field is required."
    elif body_id != id:
        errors["id"] = "The id in the body must match the URL."
    name = _name(data, errors, required=False)
    enabled = bool_field(data, "enabled", errors, None)
    if errors:
        raise invalid(errors)
    renaming = name is not None and name != group["name"]
    if renaming or enabled is not None:
        _editable(group, "changed")
    if renaming:
        if group.get("synchronized"):
            raise invalid({"name": "The name of a synchronized directory group comes from the directory."})
        clash = state.group_by_name(name, group.get("domainId", LOCAL_DOMAIN))
        if clash and clash["id"] != id:
            raise duplicate_group(name)
        state.rename_group(group, name)
    if enabled is not None:
        group["enabled"] = enabled
    return group_model(state, group)


@route("DELETE", "/api/v1/groups/{id:int}")
def delete_group(ctx, id):
    """Removes the group, its folder and secret permission rows and its approver entries (UNCONFIRMED:
    Secret Server may keep deleted groups for the audit trail; they are gone from every read here)."""
    state = ctx.state
    group = _group(ctx, id, GROUP_ADMINS)
    _editable(group, "deleted")
    for table in (state.folderPermissions, state.secretPermissions):
        for row_id in [k for k, row in table.items() if row.get("groupId") == id]:
            del table[row_id]
    for secret in state.secrets.values():
        if id in secret.get("approvers", []):
            secret["approvers"] = [g for g in secret["approvers"] if g != id]
    state.delete_group(group)
    return deleted(id, "Group")


def _members_editable(group):
    _editable(group, "given members")
    if group.get("synchronized"):
        raise invalid({"groupId": "The members of a synchronized directory group come from the directory."})


@route("POST", "/api/v1/groups/{id:int}/users")
def add_member(ctx, id):
    """{"userId": N} -> GroupUserModel. Adding a member twice is a 400 (UNCONFIRMED)."""
    state, data = ctx.state, ctx.data()
    group = _group(ctx, id, GROUP_ADMINS)
    user_id = as_int(data.get("userId"))
    if user_id is None:
        raise invalid({"userId": "The UserId field is required."})
    _members_editable(group)
    user = get_user(state, user_id)
    if not state.add_member(group, user_id):
        raise invalid({"userId": f"User {user['userName']} is already a member of group {group['name']}."})
    return group_user_model(state, group, user)


def group_user_model(state, group, user) -> dict:
    summary = group_user_summary(state, group, user)
    return {k: summary[k] for k in ("groupId", "groupName", "groupDomainId", "userId", "userName", "userDomainId")}


@route("GET", "/api/v1/groups/{id:int}/users/{userId:int}")
def read_member(ctx, id, userId):
    """EXTENSION (SPEC groups_service_get_group_user): GroupUserModel of one member; not a member -> 404."""
    state = ctx.state
    group = _group(ctx, id)
    user = state.users.get(userId)
    if not user or not state.is_member(group, userId):
        raise not_found("GroupUser", userId)
    return group_user_model(state, group, user)


def _user_ids(data, key, errors, state, required=True) -> list[int] | None:
    raw = data.get(key)
    if raw is None:
        if required:
            errors[key] = f"The {key} field is required."
        return None
    if not isinstance(raw, list):
        errors[key] = f"The {key} field must be a list of user ids."
        return None
    ids = []
    for item in raw:
        uid = as_int(item)
        if uid is None or uid not in state.users:
            errors[key] = f"User {item} not found."
        elif uid not in ids:
            ids.append(uid)
    return ids


@route("PUT", "/api/v1/groups/{id:int}/users")
def replace_members(ctx, id):
    """EXTENSION (SPEC groups_service_update_group_members): GroupMemberAssignmentRequest {userIds} -> the exact
    member list ([] empties the group) -> {"success": true}. Validated as a whole before any change."""
    state, data = ctx.state, ctx.data()
    group = _group(ctx, id, GROUP_ADMINS)
    _members_editable(group)
    errors = {}
    wanted = _user_ids(data, "userIds", errors, state)
    if errors:
        raise invalid(errors)
    for uid in [u for u in group.get("memberIds", []) if u not in wanted]:
        state.remove_member(group, uid)
    for uid in wanted:
        state.add_member(group, uid)
    return {"success": True}


@route("PATCH", "/api/v1/groups/{id:int}/users")
def patch_members(ctx, id):
    """EXTENSION (SPEC groups_service_patch_group_membership): GroupMembershipPatchModel {addedUserIds,
    removeUserIds} -> {"success": true}. Adding a member or removing a non-member is a no-op (UNCONFIRMED);
    unknown user ids refuse the whole patch."""
    state, data = ctx.state, ctx.data()
    group = _group(ctx, id, GROUP_ADMINS)
    _members_editable(group)
    errors = {}
    added = _user_ids(data, "addedUserIds", errors, state, required=False) or []
    removed = _user_ids(data, "removeUserIds", errors, state, required=False) or []
    if set(added) & set(removed):
        errors["addedUserIds"] = "A user cannot be both added and removed."
    if errors:
        raise invalid(errors)
    for uid in removed:
        state.remove_member(group, uid)
    for uid in added:
        state.add_member(group, uid)
    return {"success": True}


@route("DELETE", "/api/v1/groups/{id:int}/users/{userId:int}")
def remove_member(ctx, id, userId):
    """-> DeletedModel (objectType "GroupUser", UNCONFIRMED). A user who is not a member answers 404."""
    state = ctx.state
    group = _group(ctx, id, GROUP_ADMINS)
    _members_editable(group)
    if not state.remove_member(group, userId):
        raise not_found("GroupUser", userId)
    return deleted(userId, "GroupUser")

