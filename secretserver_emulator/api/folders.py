"""Folders and folder permissions (docs §4)."""
from __future__ import annotations

from .. import access
from ..access import FOLDER_ROLES, SECRET_ROLES, canonical, role_id
from ..http import access_denied, as_bool, as_int, deleted, invalid, iso, not_found, page
from ..router import route
from .principals import principal_fields, resolve_principal

ROOT = -1


def folder_path(state, folder) -> str:
    parts, seen = [], set()
    while folder and folder["id"] not in seen:
        seen.add(folder["id"])
        parts.append(folder["folderName"])
        folder = state.folders.get(folder.get("parentFolderId"))
    return "\\" + "\\".join(reversed(parts))


def folder_summary(state, folder) -> dict:
    # UNCONFIRMED: root folders render parentFolderId -1 (not null).
    return {"id": folder["id"], "folderName": folder["folderName"], "folderPath": folder_path(state, folder),
            "parentFolderId": folder.get("parentFolderId", ROOT), "folderTypeId": folder.get("folderTypeId", 1),
            "secretPolicyId": folder.get("secretPolicyId", -1),
            "inheritPermissions": folder.get("inheritPermissions", True),
            "inheritSecretPolicy": folder.get("inheritSecretPolicy", False)}


def folder_model(state, folder, all_children=False) -> dict:
    model = folder_summary(state, folder)
    children = [f for f in state.folders.values() if f.get("parentFolderId") == folder["id"]]
    model["childFolders"] = [folder_model(state, c, True) if all_children else folder_summary(state, c)
                             for c in sorted(children, key=lambda f: f["id"])]
    model["secretTemplates"] = []
    return model


def descendants(state, folder_id, direct_only) -> set[int]:
    out, frontier = set(), {folder_id}
    while frontier:
        children = {f["id"] for f in state.folders.values() if f.get("parentFolderId") in frontier} - out
        out |= children
        frontier = set() if direct_only else children
    return out


@route("GET", "/api/v1/folders")
def search(ctx):
    state, q = ctx.state, ctx.query
    text = (q.get("filter.searchtext") or "").lower()
    needed = FOLDER_ROLES.get(canonical(q.get("filter.permissionrequired") or "View", FOLDER_ROLES) or "View")[0]
    parent = as_int(q.get("filter.parentfolderid"))
    scope = descendants(state, parent, as_bool(q.get("filter.limittodirectdescendents"))) if parent else None
    roots_only = as_bool(q.get("filter.onlyincluderootfolders"))
    type_id = as_int(q.get("filter.foldertypeid"))
    rows = [folder_summary(state, f) for f in sorted(state.folders.values(), key=lambda f: f["id"])
            if text in f["folderName"].lower()
            and (scope is None or f["id"] in scope)
            and (not roots_only or f.get("parentFolderId", ROOT) in (None, ROOT))
            and (type_id is None or f.get("folderTypeId", 1) == type_id)
            and access.folder_rank(state, ctx.user, f["id"]) >= needed]
    return page(rows, q, "folderName")


@route("GET", "/api/v1/folders/stub")
def stub(ctx):
    return {"id": 0, "folderName": None, "folderPath": None, "parentFolderId": ROOT, "folderTypeId": 1,
            "secretPolicyId": -1, "inheritPermissions": True, "inheritSecretPolicy": False,
            "childFolders": None, "secretTemplates": None}


def _by_path(state, path: str):
    wanted = "\\" + path.strip("\\/").replace("/", "\\")
    return next((f for f in state.folders.values() if folder_path(state, f).lower() == wanted.lower()), None)


@route("GET", "/api/v1/folders/{id:int}")
def read(ctx, id):
    if id == 0 and ctx.query.get("folderpath"):
        found = _by_path(ctx.state, ctx.query["folderpath"])
        id = found["id"] if found else -999
    folder = access.require_folder(ctx.state, ctx.user, id, "View")
    return folder_model(ctx.state, folder, ctx.flag("getallchildren"))


@route("POST", "/api/v1/folders")
def create(ctx):
    state, data = ctx.state, ctx.data()
    errors = {}
    name = (data.get("folderName") or "").strip()
    if not name:
        errors["folderName"] = "The FolderName field is required."
    type_id = as_int(data.get("folderTypeId"), 1)  # UNCONFIRMED: missing type defaults to 1 (lenient)
    parent = as_int(data.get("parentFolderId"), ROOT)
    if parent in (0, None):
        parent = ROOT  # SCIM treats an empty parent as root
    if errors:
        raise invalid(errors)
    if parent == ROOT:
        if not state.has_role_permission(ctx.user, "Create Root Folders"):
            raise access_denied()
    else:
        access.require_folder(state, ctx.user, parent, "Edit")
    if any(f["folderName"].lower() == name.lower() and f.get("parentFolderId", ROOT) == parent
           for f in state.folders.values()):
        # UNCONFIRMED: Secret Server's duplicate-name message.
        raise invalid({"folderName": f"A folder named '{name}' already exists in this location."})
    inherit = as_bool(data.get("inheritPermissions"), True)
    folder = {"id": state.new_id("folders"), "folderName": name, "parentFolderId": parent,
              "folderTypeId": type_id, "secretPolicyId": as_int(data.get("secretPolicyId"), -1),
              "inheritPermissions": inherit,
              "inheritSecretPolicy": as_bool(data.get("inheritSecretPolicy"), parent != ROOT),
              "created": iso(ctx.now)}
    state.folders[folder["id"]] = folder
    if parent == ROOT or not inherit:
        # A folder with its own permissions starts from its parent's (a copy) and the creator becomes its
        # Owner; an inheriting sub-folder simply has its parent's (UNCONFIRMED: the exact initial rows).
        if parent != ROOT:
            copy_parent_rows(state, folder)
        add_folder_permission(state, folder["id"], state.groups[ctx.user["personalGroupId"]], "Owner", "Owner")
    return folder_model(state, folder)


def copy_parent_rows(state, folder):
    """Breaking inheritance: the folder keeps what it had, now as its own rows."""
    source = access.permission_source(state, folder["parentFolderId"])
    for row in access.own_rows(state, source["id"]) if source else []:
        group = state.groups.get(row["groupId"])
        if group:
            add_folder_permission(state, folder["id"], group, row["folderAccessRoleName"], row["secretAccessRoleName"])


def set_inheritance(state, folder, inherit: bool):
    """Turning inheritance off copies the inherited rows; turning it on drops the folder's own rows."""
    if access.is_root(folder) or bool(folder.get("inheritPermissions")) == inherit:
        folder["inheritPermissions"] = inherit
        return
    if inherit:
        for row_id in [r["id"] for r in access.own_rows(state, folder["id"])]:
            del state.folderPermissions[row_id]
    else:
        copy_parent_rows(state, folder)
    folder["inheritPermissions"] = inherit


@route("PUT", "/api/v1/folders/{id:int}")
def update(ctx, id):
    """Rename, move (`parentFolderId`), inheritance flags. Needs Edit; changing `inheritPermissions` needs
    Owner. A sibling with the same name, or a move under itself, is refused (UNCONFIRMED messages)."""
    state, data = ctx.state, ctx.data()
    folder = access.require_folder(state, ctx.user, id, "Edit")
    errors = {}
    if data.get("id") is not None and as_int(data.get("id")) != id:
        errors["id"] = "The id in the body must match the URL."
    name = folder["folderName"]
    if "folderName" in data:
        name = (data.get("folderName") or "").strip() if isinstance(data.get("folderName"), str) else ""
        if not name:
            errors["folderName"] = "The FolderName field is required."
    target = folder.get("parentFolderId", ROOT)
    if data.get("parentFolderId") is not None:
        target = as_int(data["parentFolderId"], ROOT)
        if target in (0, None):
            target = ROOT
        if target == id or (target != ROOT and target in descendants(state, id, False)):
            errors["parentFolderId"] = "A folder cannot be moved into itself or one of its sub-folders."
    if errors:
        raise invalid(errors)
    if target != folder.get("parentFolderId", ROOT):
        if target == ROOT:
            if not state.has_role_permission(ctx.user, "Create Root Folders"):
                raise access_denied()
        else:
            access.require_folder(state, ctx.user, target, "Edit")
    if any(f["id"] != id and f["folderName"].lower() == name.lower() and f.get("parentFolderId", ROOT) == target
           for f in state.folders.values()):
        raise invalid({"folderName": f"A folder named '{name}' already exists in this location."})
    inherit = data.get("inheritPermissions")
    if inherit is not None and as_bool(inherit) != bool(folder.get("inheritPermissions")):
        access.require_folder(state, ctx.user, id, "Owner")
    folder["folderName"] = name
    folder["parentFolderId"] = target
    if data.get("inheritSecretPolicy") is not None:
        folder["inheritSecretPolicy"] = as_bool(data["inheritSecretPolicy"])
    if inherit is not None:
        set_inheritance(state, folder, as_bool(inherit))
    return folder_model(state, folder)


@route("DELETE", "/api/v1/folders/{id:int}")
def delete(ctx, id):
    state = ctx.state
    access.require_folder(state, ctx.user, id, "Owner")
    # UNCONFIRMED: Secret Server refuses to delete folders holding active secrets or sub-folders.
    if any(f.get("parentFolderId") == id for f in state.folders.values()) or any(
            s["folderId"] == id and s.get("active", True) for s in state.secrets.values()):
        raise invalid({"folderId": "The folder is not empty."})
    for secret in state.secrets.values():
        if secret["folderId"] == id:
            secret["folderId"] = None  # inactive secrets fall back to no folder
    for pid in [p for p, row in state.folderPermissions.items() if row["folderId"] == id]:
        del state.folderPermissions[pid]
    del state.folders[id]
    return deleted(id, "Folder")


# ---- folder permissions ------------------------------------------------------------

def add_folder_permission(state, folder_id, group, folder_role, secret_role) -> dict:
    """Upsert: one row per (folder, principal). UNCONFIRMED: the real server may 400 on a duplicate."""
    existing = next((p for p in state.folderPermissions.values()
                     if p["folderId"] == folder_id and p["groupId"] == group["id"]), None)
    row = existing or {"id": state.new_id("folderPermissions"), "folderId": folder_id, "groupId": group["id"]}
    row.update(folderAccessRoleName=folder_role, secretAccessRoleName=secret_role)
    state.folderPermissions[row["id"]] = row
    return row


def permission_model(state, row, summary=True) -> dict:
    model = {"id": row["id"], "folderId": row["folderId"], **principal_fields(state, row["groupId"]),
             "folderAccessRoleId": role_id(row["folderAccessRoleName"], FOLDER_ROLES),
             "folderAccessRoleName": row["folderAccessRoleName"],
             "secretAccessRoleId": role_id(row["secretAccessRoleName"], SECRET_ROLES),
             "secretAccessRoleName": row["secretAccessRoleName"]}
    if not summary:
        model.pop("domainName")
    return model


@route("GET", "/api/v1/folder-permissions")
def list_permissions(ctx):
    state, q = ctx.state, ctx.query
    folder_id, user_id, group_id = (as_int(q.get(k)) for k in ("filter.folderid", "filter.userid", "filter.groupid"))
    text = (q.get("filter.searchtext") or "").lower()
    personal = state.users[user_id]["personalGroupId"] if user_id in state.users else None
    rows = []
    for row in sorted(state.folderPermissions.values(), key=lambda r: r["id"]):
        model = permission_model(state, row)
        if ((folder_id is None or row["folderId"] == folder_id)
                and (user_id is None or row["groupId"] == personal)
                and (group_id is None or row["groupId"] == group_id)
                and (not text or text in (model["knownAs"] or "").lower())
                and access.folder_rank(state, ctx.user, row["folderId"]) >= FOLDER_ROLES["View"][0]):
            rows.append(model)
    return page(rows, q, "id")


@route("GET", "/api/v1/folder-permissions/stub")
def permission_stub(ctx):
    folder_id = as_int(ctx.query.get("filter.folderid") or ctx.query.get("folderid"))
    return {"id": 0, "folderId": folder_id, "groupId": None, "groupName": None, "userId": None, "userName": None,
            "knownAs": None, "folderAccessRoleId": role_id("View", FOLDER_ROLES), "folderAccessRoleName": "View",
            "secretAccessRoleId": role_id("View", SECRET_ROLES), "secretAccessRoleName": "View"}


@route("POST", "/api/v1/folder-permissions")
def create_permission(ctx):
    state, data = ctx.state, ctx.data()
    errors = {}
    folder_id = as_int(data.get("folderId"))
    if folder_id is None:
        errors["folderId"] = "The FolderId field is required."
    folder_role = canonical(data.get("folderAccessRoleName"), FOLDER_ROLES)
    if not folder_role:
        errors["folderAccessRoleName"] = "Must be one of View, Edit, Add Secret, Owner."
    secret_role = canonical(data.get("secretAccessRoleName") or "None", access.SECRET_ROLES)
    if not secret_role:
        errors["secretAccessRoleName"] = "Must be one of List, View, Edit, Owner, None."
    group = resolve_principal(state, data, errors)
    if errors:
        raise invalid(errors)
    folder = access.require_folder(state, ctx.user, folder_id, "Owner")
    _own_permissions(state, folder, as_bool(data.get("breakInheritance")))
    return permission_model(state, add_folder_permission(state, folder_id, group, folder_role, secret_role), False)


def _own_permissions(state, folder, break_inheritance: bool):
    """Permissions of an inheriting sub-folder are its parent's: changing them needs breakInheritance
    (which copies them first). UNCONFIRMED: Secret Server's answer without it; ours is a 400."""
    if access.is_root(folder) or not folder.get("inheritPermissions"):
        return
    if not break_inheritance:
        raise invalid({"breakInheritance": "The folder inherits its permissions from its parent folder; "
                                           "set breakInheritance to true to give it its own."})
    set_inheritance(state, folder, False)


def _folder_permission(state, permission_id: int) -> dict:
    """The folder permission row, or 404 (before any access check, as for the other by-id routes)."""
    row = state.folderPermissions.get(permission_id)
    if not row:
        raise not_found("FolderPermission", permission_id)
    return row


@route("GET", "/api/v1/folder-permissions/{id:int}")
def read_permission(ctx, id):
    """EXTENSION (SPEC lists it): one FolderPermissionModel; needs View on the folder."""
    row = _folder_permission(ctx.state, id)
    access.require_folder(ctx.state, ctx.user, row["folderId"], "View")
    return permission_model(ctx.state, row, False)


@route("PUT", "/api/v1/folder-permissions/{id:int}")
def update_permission(ctx, id):
    """EXTENSION (body UNCONFIRMED): {id?, folderAccessRoleName?, secretAccessRoleName?} -> FolderPermissionModel.
    Needs Owner on the folder."""
    state, data = ctx.state, ctx.data()
    row = _folder_permission(state, id)
    errors = {}
    if data.get("id") is not None and as_int(data.get("id")) != id:
        errors["id"] = "The id in the body must match the URL."
    folder_role = row["folderAccessRoleName"]
    if data.get("folderAccessRoleName") is not None:
        folder_role = canonical(data.get("folderAccessRoleName"), FOLDER_ROLES)
        if not folder_role:
            errors["folderAccessRoleName"] = "Must be one of View, Edit, Add Secret, Owner."
    secret_role = row["secretAccessRoleName"]
    if data.get("secretAccessRoleName") is not None:
        secret_role = canonical(data.get("secretAccessRoleName"), SECRET_ROLES)
        if not secret_role:
            errors["secretAccessRoleName"] = "Must be one of List, View, Edit, Owner, None."
    if errors:
        raise invalid(errors)
    access.require_folder(state, ctx.user, row["folderId"], "Owner")
    row.update(folderAccessRoleName=folder_role, secretAccessRoleName=secret_role)
    return permission_model(state, row, False)


@route("DELETE", "/api/v1/folder-permissions/{id:int}")
def delete_permission(ctx, id):
    row = _folder_permission(ctx.state, id)
    access.require_folder(ctx.state, ctx.user, row["folderId"], "Owner")
    del ctx.state.folderPermissions[id]
    return deleted(id, "FolderPermission")
