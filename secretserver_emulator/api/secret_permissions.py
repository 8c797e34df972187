"""Secret permissions (docs §6): explicit shares on a secret.

UNCONFIRMED: the list shows explicit rows only (not those inherited from the
folder), and adding a row to an inheriting secret is allowed (the union of
both applies).
"""
from __future__ import annotations

from .. import access
from ..access import SECRET_ROLES, canonical, role_id
from ..http import as_int, deleted, invalid, not_found, page, required_secret_id
from ..router import route
from .principals import principal_fields, resolve_principal


def add_secret_permission(state, secret_id, group, role) -> dict:
    """Upsert one row per (secret, principal)."""
    existing = next((p for p in state.secretPermissions.values()
                     if p["secretId"] == secret_id and p["groupId"] == group["id"]), None)
    row = existing or {"id": state.new_id("secretPermissions"), "secretId": secret_id, "groupId": group["id"]}
    row["secretAccessRoleName"] = role
    state.secretPermissions[row["id"]] = row
    return row


def permission_model(state, row, summary=True) -> dict:
    model = {"id": row["id"], "secretId": row["secretId"], **principal_fields(state, row["groupId"]),
             "secretAccessRoleId": role_id(row["secretAccessRoleName"], SECRET_ROLES),
             "secretAccessRoleName": row["secretAccessRoleName"]}
    if not summary:
        model.pop("domainName")
    return model


def _owner_of(ctx, secret_id):
    return access.secret_for(ctx.state, ctx.user, secret_id, "Owner", include_inactive=True, check_approval=False)


@route("GET", "/api/v1/secret-permissions")
def list_permissions(ctx):
    state, q = ctx.state, ctx.query
    secret_id, user_id, group_id = (as_int(q.get(k)) for k in ("filter.secretid", "filter.userid", "filter.groupid"))
    user_name, group_name = (q.get("filter.username") or "").lower(), (q.get("filter.groupname") or "").lower()
    text = (q.get("filter.searchtext") or "").lower()
    personal = state.users[user_id]["personalGroupId"] if user_id in state.users else None
    rows = []
    for row in sorted(state.secretPermissions.values(), key=lambda r: r["id"]):
        secret = state.secrets.get(row["secretId"])
        model = permission_model(state, row)
        if (secret and (secret_id is None or row["secretId"] == secret_id)
                and (user_id is None or row["groupId"] == personal)
                and (group_id is None or row["groupId"] == group_id)
                and (not user_name or (model["userName"] or "").lower() == user_name)
                and (not group_name or (model["groupName"] or "").lower() == group_name)
                and (not text or text in (model["knownAs"] or "").lower())
                and access.secret_rank(state, ctx.user, secret) >= SECRET_ROLES["View"][0]):
            rows.append(model)
    return page(rows, q, "id")


def _role(data, errors):
    role = canonical(data.get("secretAccessRoleName"), SECRET_ROLES)
    if not role or role == "None":
        errors["secretAccessRoleName"] = "Must be one of List, View, Edit, Owner."
    return role


@route("POST", "/api/v1/secret-permissions")
def create(ctx):
    state, data = ctx.state, ctx.data()
    errors = {}
    secret_id = required_secret_id(data, errors)
    role = _role(data, errors)
    group = resolve_principal(state, data, errors)
    if errors:
        raise invalid(errors)
    _owner_of(ctx, secret_id)
    return permission_model(state, add_secret_permission(state, secret_id, group, role), False)


def _row(ctx, id):
    row = ctx.state.secretPermissions.get(id)
    if not row:
        raise not_found("SecretPermission", id)
    _owner_of(ctx, row["secretId"])
    return row


@route("GET", "/api/v1/secret-permissions/{id:int}")
def read(ctx, id):
    """EXTENSION (SPEC lists the read): one SecretPermissionModel; needs View on the secret."""
    row = ctx.state.secretPermissions.get(id)
    if not row:
        raise not_found("SecretPermission", id)
    access.secret_for(ctx.state, ctx.user, row["secretId"], "View", include_inactive=True, check_approval=False)
    return permission_model(ctx.state, row, False)


@route("PUT", "/api/v1/secret-permissions/{id:int}")
def update(ctx, id):
    data, errors = ctx.data(), {}
    row = _row(ctx, id)
    role = _role(data, errors)
    if "id" in data and as_int(data.get("id")) != id:
        errors["id"] = "The id in the body must match the URL."
    if errors:
        raise invalid(errors)
    row["secretAccessRoleName"] = role
    return permission_model(ctx.state, row, False)


@route("DELETE", "/api/v1/secret-permissions/{id:int}")
def delete(ctx, id):
    _row(ctx, id)
    del ctx.state.secretPermissions[id]
    return deleted(id, "SecretPermission")
