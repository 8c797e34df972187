"""Users and groups, read side (docs §3).

UNCONFIRMED: which role permissions gate these reads. We require "View Users"
or "Administer Users" to read other users, and "View Groups" or "Administer
Groups" to read groups; everyone may read themselves and their own groups.
"""
from __future__ import annotations

from ..http import access_denied, not_found, page
from ..router import route

USER_READERS = ("View Users", "Administer Users")
GROUP_READERS = ("View Groups", "Administer Groups")


def user_summary(state, user: dict) -> dict:
    return {"id": user["id"], "userName": user["userName"], "displayName": user["displayName"],
            "emailAddress": user.get("emailAddress", ""), "enabled": user.get("enabled", True),
            "domainId": -1, "domainName": None, "isApplicationAccount": user.get("isApplicationAccount", False),
            "isLockedOut": user.get("isLockedOut", False), "lastLogin": user.get("lastLogin"),
            "loginFailures": user.get("loginFailures", 0), "created": _created(user),
            "externalUserSource": "None", "twoFactorMethod": "None", "platformIntegrationType": "None"}


def _created(row):
    return row.get("created", "")[:23] if row.get("created") else None


def user_model(state, user: dict) -> dict:
    model = user_summary(state, user)
    model.pop("domainName")
    model.pop("twoFactorMethod")
    model.update({
        "lockOutReason": "LoginFailures" if user.get("isLockedOut") else None,
        "lockOutReasonDescription": "Locked out" if user.get("isLockedOut") else "",
        "lastSessionActivity": user.get("lastLogin"), "passwordLastChanged": _created({"created": user.get("passwordLastChanged")}),
        "personalGroupId": user["personalGroupId"], "adGuid": None, "adAccountExpires": None,
        "twoFactor": False, "duoTwoFactor": False, "oathTwoFactor": False, "radiusTwoFactor": False,
        "radiusUserName": None, "isEmailVerified": True, "isEmailCopiedFromAD": False,
        "dateOptionId": -1, "timeOptionId": -1, "userLcid": 0,
    })
    return model


def group_user_summary(state, group: dict, user: dict) -> dict:
    return {"groupId": group["id"], "groupName": group["name"], "groupDomainId": -1, "groupDomainName": None,
            "userId": user["id"], "userName": user["userName"], "userDomainId": -1, "userDomainName": None,
            "displayName": user["displayName"], "enabled": user.get("enabled", True)}


def group_summary(state, group: dict) -> dict:
    return {"id": group["id"], "name": group["name"], "enabled": group.get("enabled", True), "domainId": -1,
            "domainName": None, "domainGuid": None, "created": _created(group),
            "memberCount": len(state.group_member_ids(group)), "synchronized": False,
            "synchronizeNow": False, "isPlatform": False}


def group_model(state, group: dict) -> dict:
    model = group_summary(state, group)
    model.pop("memberCount")
    model.update({"adGuid": None, "canEditMembers": not group.get("everyone") and not group.get("personalUserId"),
                  "isEditable": not group.get("everyone"), "hasGroupOwners": False, "owners": [],
                  "ownerGroups": [], "ownerUsers": [], "systemGroup": bool(group.get("everyone"))})
    return model


def _visible_groups(state):
    """Personal groups are not listed by the groups search (UNCONFIRMED, as in the UI)."""
    return [g for g in state.groups.values() if not g.get("personalUserId")]


def _require(state, user, perms):
    if not state.has_role_permission(user, *perms):
        raise access_denied()


def get_user(state, user_id):
    user = state.users.get(user_id)
    if not user:
        raise not_found("User", user_id)
    return user


@route("GET", "/api/v1/users/current")
def current(ctx):
    user = ctx.user
    return {"id": user["id"], "userName": user["userName"], "displayName": user["displayName"],
            "emailAddress": user.get("emailAddress", ""), "dateOptionId": -1, "timeOptionId": -1,
            "userLcid": 0, "userTheme": "", "platformIntegrationType": "None",
            "permissions": [{"name": n} for n in ctx.state.role_permissions(user)]}


@route("GET", "/api/v1/users")
def search_users(ctx):
    _require(ctx.state, ctx.user, USER_READERS)
    text = (ctx.query.get("filter.searchtext") or "").lower()
    inactive = ctx.flag("filter.includeinactive")
    rows = [user_summary(ctx.state, u) for u in sorted(ctx.state.users.values(), key=lambda u: u["id"])
            if (inactive or u.get("enabled", True))
            and (not text or any(text in (u.get(k) or "").lower() for k in ("userName", "displayName", "emailAddress")))]
    return page(rows, ctx.query, "userName")


@route("GET", "/api/v1/users/{id:int}")
def read_user(ctx, id):
    if id != ctx.user["id"]:
        _require(ctx.state, ctx.user, USER_READERS)
    user = get_user(ctx.state, id)
    if not user.get("enabled", True) and not ctx.flag("includeinactive", True):
        raise not_found("User", id)
    return user_model(ctx.state, user)


@route("GET", "/api/v1/users/{id:int}/groups")
def user_groups(ctx, id):
    if id != ctx.user["id"]:
        _require(ctx.state, ctx.user, USER_READERS)
    state = ctx.state
    user = get_user(state, id)
    rows = [group_user_summary(state, g, user) for g in sorted(_visible_groups(state), key=lambda g: g["id"])
            if g["id"] in state.group_ids_of(user)]
    return page(rows, ctx.query, "groupName")


@route("GET", "/api/v1/groups")
def search_groups(ctx):
    _require(ctx.state, ctx.user, GROUP_READERS)
    text = (ctx.query.get("filter.searchtext") or "").lower()
    inactive = ctx.flag("filter.includeinactive")
    rows = [group_summary(ctx.state, g) for g in sorted(_visible_groups(ctx.state), key=lambda g: g["id"])
            if (inactive or g.get("enabled", True)) and text in g["name"].lower()]
    return page(rows, ctx.query, "name")


def _group(ctx, id):
    _require(ctx.state, ctx.user, GROUP_READERS)
    group = ctx.state.groups.get(id)
    if not group:
        raise not_found("Group", id)
    return group


@route("GET", "/api/v1/groups/{id:int}")
def read_group(ctx, id):
    return group_model(ctx.state, _group(ctx, id))


@route("GET", "/api/v1/groups/{id:int}/users")
def group_users(ctx, id):
    group = _group(ctx, id)
    inactive = ctx.flag("filter.includeinactiveusersforgroup", True)
    users = [ctx.state.users[u] for u in ctx.state.group_member_ids(group) if u in ctx.state.users]
    rows = [group_user_summary(ctx.state, group, u) for u in users if inactive or u.get("enabled", True)]
    return page(rows, ctx.query, "userName")

