"""Roles (SPEC RolesApi / UsersApi): list and read roles, a user's roles, assign and remove.

Not in the contract: every call here is an EXTENSION documented in docs/secretserver-api-extensions.md §6.
Reading roles needs "View Roles", "Assign Roles" or "Administer Roles"; assigning needs "Assign Roles" or
"Administer Roles" (UNCONFIRMED which role permissions gate what). A user's roles come directly or through
groups (seed `roles` on a group); only direct assignments are changed here.
"""
from __future__ import annotations

from ..http import as_int, invalid, not_found, page, values
from ..router import route
from .users import get_user, require

ROLE_READERS = ("View Roles", "Assign Roles", "Administer Roles")
ROLE_ASSIGNERS = ("Assign Roles", "Administer Roles")
SYSTEM_ROLES = ("Administrator", "User")  # UNCONFIRMED: which built-in roles are isSystem


def role_model(state, name: str) -> dict:
    return {"id": state.role_ids[name], "name": name, "enabled": True, "isSystem": name in SYSTEM_ROLES,
            "created": None}


def _role_by_id(state, role_id):
    return next((name for name, rid in state.role_ids.items() if rid == role_id), None)


def _may_read_roles_of(ctx, user_id):
    if user_id != ctx.user["id"]:
        require(ctx.state, ctx.user, ROLE_READERS)


@route("GET", "/api/v1/roles")
def search_roles(ctx):
    """filter.userId (roles the user has, directly or through groups), filter.groupId (roles given to the
    group; ignored when filter.userId is set), filter.includeInactive (all roles are active here), paging."""
    state, q = ctx.state, ctx.query
    require(state, ctx.user, ROLE_READERS)
    user_id, group_id = as_int(q.get("filter.userid")), as_int(q.get("filter.groupid"))
    names = list(state.roles)
    if user_id is not None:
        user = state.users.get(user_id)
        names = state.role_names(user) if user else []
    elif group_id is not None:
        group = state.groups.get(group_id)
        names = list(group.get("roles", [])) if group else []
    rows = [role_model(state, n) for n in names if n in state.role_ids]
    return page(sorted(rows, key=lambda r: r["id"]), q, "name")


@route("GET", "/api/v1/roles/{id:int}")
def read_role(ctx, id):
    require(ctx.state, ctx.user, ROLE_READERS)
    name = _role_by_id(ctx.state, id)
    if name is None:
        raise not_found("Role", id)
    return role_model(ctx.state, name)


@route("GET", "/api/v1/users/{id:int}/roles")
def user_roles(ctx, id):
    """PagingOfRoleSummary {roleId, name}: every role the user has (direct or through a group)."""
    _may_read_roles_of(ctx, id)
    state = ctx.state
    user = get_user(state, id)
    rows = [{"roleId": state.role_ids[n], "name": n} for n in state.role_names(user) if n in state.role_ids]
    return page(rows, ctx.query, "name")


@route("GET", "/api/v1/users/{id:int}/roles-assigned")
def user_roles_assigned(ctx, id):
    """PagingOfUserRoleSummary {roleId, roleName, isDirectAssignment, groups[{groupId, groupName}]}
    (GroupAssignedRoleModel's keys UNCONFIRMED)."""
    _may_read_roles_of(ctx, id)
    state = ctx.state
    user = get_user(state, id)
    rows = []
    for name in state.role_names(user):
        if name not in state.role_ids:
            continue
        via = [{"groupId": g, "groupName": state.groups[g]["name"]} for g in sorted(state.group_ids_of(user))
               if name in state.groups[g].get("roles", [])]
        rows.append({"roleId": state.role_ids[name], "roleName": name,
                     "isDirectAssignment": name in user.get("roles", []), "groups": via})
    return page(rows, ctx.query, "roleName")


def _role_names(ctx, errors) -> list[str]:
    """RoleAssignments {roleIds: [...]} from the body (or, for DELETE, repeated `roleIds` query values)."""
    data = ctx.data()
    raw = data.get("roleIds")
    if raw is None and ctx.method == "DELETE":
        raw = [v for item in values(ctx.query, "roleIds") for v in str(item).split(",")]
    if not isinstance(raw, list) or (not raw and ctx.method != "PUT"):
        errors["roleIds"] = "The RoleIds field is required."
        return []
    names = []
    for item in raw:
        name = _role_by_id(ctx.state, as_int(item))
        if name is None:
            errors["roleIds"] = f"Role {item} not found."
        elif name not in names:
            names.append(name)
    return names


def _change(ctx, id, apply):
    state = ctx.state
    require(state, ctx.user, ROLE_ASSIGNERS)
    user = get_user(state, id)
    errors = {}
    names = _role_names(ctx, errors)
    if errors:
        raise invalid(errors)
    user["roles"] = apply(list(user.get("roles", [])), names)
    return {"success": True}


@route("POST", "/api/v1/users/{id:int}/roles")
def add_user_roles(ctx, id):
    """{roleIds} -> RoleChangeStatusModel {success}. Roles the user already has directly are kept once."""
    return _change(ctx, id, lambda current, names: current + [n for n in names if n not in current])


@route("PUT", "/api/v1/users/{id:int}/roles")
def replace_user_roles(ctx, id):
    """{roleIds} -> {success}: the user's direct roles become exactly these ([] removes all)."""
    return _change(ctx, id, lambda current, names: names)


@route("DELETE", "/api/v1/users/{id:int}/roles")
def remove_user_roles(ctx, id):
    """{roleIds} (JSON body, or `?roleIds=` for clients that cannot send a DELETE body) -> {success}.
    Roles the user does not have directly are ignored (UNCONFIRMED)."""
    return _change(ctx, id, lambda current, names: [n for n in current if n not in names])
