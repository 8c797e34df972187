"""Secrets: search, read, state, stub, create, update, fields, general, delete, activate (docs §5)."""
from __future__ import annotations

from .. import access
from ..access import SECRET_ROLES, canonical
from ..http import ApiError, as_bool, as_int, deleted, fmt_dt, invalid, page, values
from ..router import route
from .folders import descendants, folder_path
from .secret_permissions import add_secret_permission
from .templates import template_or_404

ROOT_FOLDERS = (None, -1, 0)
# UNCONFIRMED: SCIM sends filter.permissionRequired=1; we read 1/2/3 as View/Edit/Owner.
NUMERIC_PERMISSION = {"0": "List", "1": "View", "2": "Edit", "3": "Owner"}


def item_model(template, item) -> dict:
    field = next((f for f in template["fields"] if f["id"] == item["fieldId"]), {})
    return {"itemId": item["itemId"], "fieldId": item["fieldId"], "fieldName": field.get("name"),
            "slug": item["slug"], "fieldDescription": field.get("description", ""),
            "itemValue": item.get("itemValue", ""), "isPassword": field.get("isPassword", False),
            "isNotes": field.get("isNotes", False), "isFile": False, "isList": False, "listType": "None",
            "fileAttachmentId": None, "filename": None}


def is_restricted(state, user, secret) -> bool:
    """Restricted = the caller would need approval (or a comment) right now. UNCONFIRMED nuance."""
    role = access.secret_rank(state, user, secret)
    return bool(secret.get("requiresComment")) or (
        access.needs_approval(state, user, secret, role) and not access.active_approval(state, user, secret))


def secret_model(state, user, secret) -> dict:
    template = state.templates.get(secret["secretTemplateId"], {"name": None, "fields": []})
    kind = secret.get("requireApprovalType") or "None"
    return {
        "id": secret["id"], "name": secret["name"],
        "folderId": secret["folderId"] if secret["folderId"] is not None else -1,
        "secretTemplateId": secret["secretTemplateId"], "secretTemplateName": template["name"],
        "siteId": secret.get("siteId", 1), "active": secret.get("active", True),
        "items": [item_model(template, i) for i in secret["items"]],
        "enableInheritPermissions": secret.get("enableInheritPermissions", True),
        "enableInheritSecretPolicy": secret.get("enableInheritSecretPolicy", True),
        "secretPolicyId": secret.get("secretPolicyId", -1),
        "requiresComment": secret.get("requiresComment", False),
        "requiresApprovalForAccess": kind != "None", "accessRequestWorkflowMapId": None,
        "isRestricted": is_restricted(state, user, secret), "isDoubleLock": False, "doubleLockId": 0,
        "checkedOut": False, "checkOutEnabled": False, "checkOutIntervalMinutes": -1,
        "checkOutMinutesRemaining": 0, "checkOutUserId": -1, "checkOutUserDisplayName": "",
        "checkOutChangePasswordEnabled": False, "autoChangeEnabled": False, "autoChangeNextPassword": None,
        "isOutOfSync": False, "outOfSyncReason": "", "failedPasswordChangeAttempts": 0,
        "lastHeartBeatStatus": "Pending", "lastHeartBeatCheck": secret.get("created"),
        "lastPasswordChangeAttempt": secret.get("created"), "passwordTypeWebScriptId": -1,
        "proxyEnabled": False, "sessionRecordingEnabled": False, "restrictSshCommands": False,
        "allowOwnersUnrestrictedSshCommands": False, "webLauncherRequiresIncognitoMode": False,
        "responseCodes": [],
    }


def secret_summary(state, user, secret) -> dict:
    template = state.templates.get(secret["secretTemplateId"], {"name": None})
    folder = state.folders.get(secret["folderId"])
    kind = secret.get("requireApprovalType") or "None"
    return {"id": secret["id"], "name": secret["name"],
            "folderId": secret["folderId"] if secret["folderId"] is not None else -1,
            "folderPath": folder_path(state, folder) if folder else "\\",
            "secretTemplateId": secret["secretTemplateId"], "secretTemplateName": template["name"],
            "active": secret.get("active", True), "siteId": secret.get("siteId", 1),
            "isRestricted": is_restricted(state, user, secret), "requiresApproval": kind != "None",
            "requiresComment": secret.get("requiresComment", False),
            "inheritsPermissions": secret.get("enableInheritPermissions", True), "checkedOut": False,
            "checkOutEnabled": False, "checkOutUserId": -1, "checkOutUserName": "",
            "lastHeartBeatStatus": "Pending", "lastAccessed": secret.get("lastAccessed"),
            "createDate": secret.get("created"), "extendedFields": [], "autoChangeEnabled": False,
            "doubleLockEnabled": False, "hidePassword": False, "hasLauncher": False, "isOutOfSync": False,
            "outOfSyncReason": "", "lastPasswordChangeAttempt": secret.get("created"),
            "daysUntilExpiration": None, "responseCodes": []}


# ---- search ------------------------------------------------------------------------------

@route("GET", "/api/v1/secrets")
def search(ctx):
    state, q, user = ctx.state, ctx.query, ctx.user
    text = (q.get("filter.searchtext") or "").lower()
    folder_id = as_int(q.get("filter.folderid"))
    folders = None
    if folder_id is not None:
        folders = {folder_id}
        if as_bool(q.get("filter.includesubfolders")):
            folders |= descendants(state, folder_id, False)
    template_ids = {as_int(v) for v in values(q, "filter.secrettemplateids") + values(q, "filter.secrettemplateid")}
    include_inactive = as_bool(q.get("filter.includeinactive"))
    include_active = as_bool(q.get("filter.includeactive"), True)
    include_restricted = as_bool(q.get("filter.includerestricted"))
    required = q.get("filter.permissionrequired") or "List"
    required = canonical(NUMERIC_PERMISSION.get(str(required), required), SECRET_ROLES) or "List"
    rows = []
    for s in sorted(state.secrets.values(), key=lambda s: s["id"]):
        active = s.get("active", True)
        if ((active and not include_active) or (not active and not include_inactive)
                or (text and text not in s["name"].lower())
                or (folders is not None and s["folderId"] not in folders)
                or (template_ids and s["secretTemplateId"] not in template_ids)
                or access.secret_rank(state, user, s) < SECRET_ROLES[required][0]
                or (not include_restricted and is_restricted(state, user, s))):
            continue
        rows.append(secret_summary(state, user, s))
    return page(rows, q, "name")


# ---- read --------------------------------------------------------------------------------

def _load(ctx, id, minimum="View", check_approval=True):
    include_inactive = ctx.flag("includeinactive") or (
        ctx.method != "GET" and as_bool(ctx.data().get("includeInactive")))
    secret = access.secret_for(ctx.state, ctx.user, id, minimum, include_inactive, check_approval)
    secret["lastAccessed"] = fmt_dt(ctx.now)
    return secret


@route("GET", "/api/v1/secrets/{id:int}")
@route("GET", "/api/v2/secrets/{id:int}")
def read(ctx, id):
    if id == 0 and ctx.query.get("secretpath"):
        id = _by_path(ctx.state, ctx.query["secretpath"])
    return secret_model(ctx.state, ctx.user, _load(ctx, id))


def _by_path(state, path):
    folder_part, _, name = path.strip("\\/").replace("/", "\\").rpartition("\\")
    for s in state.secrets.values():
        folder = state.folders.get(s["folderId"])
        here = folder_path(state, folder).strip("\\") if folder else ""
        if s["name"].lower() == name.lower() and here.lower() == folder_part.lower():
            return s["id"]
    return -999


@route("GET", "/api/v1/secrets/{id:int}/state")
def read_state(ctx, id):
    state, user = ctx.state, ctx.user
    secret = access.secret_for(state, user, id, "List", ctx.flag("includeinactive", True), check_approval=False)
    role = access.secret_rank(state, user, secret)
    approval = access.active_approval(state, user, secret)
    blocked = access.needs_approval(state, user, secret, role) and not approval
    if blocked:
        secret_state = "RequiresApproval"
    elif not secret.get("active", True):
        secret_state = "RequiresUndelete"
    elif role < SECRET_ROLES["View"][0]:
        secret_state = "CannotView"
    else:
        secret_state = "None"
    folder = state.folders.get(secret["folderId"])
    return {"id": secret["id"], "secretName": secret["name"], "secretState": secret_state,
            "approvalEnd": fmt_dt(state.when(approval["expirationDate"])) if approval else None,
            "role": access.name_for_rank(role, SECRET_ROLES), "actions": [],
            "folderId": secret["folderId"] if secret["folderId"] is not None else -1,
            "folderName": folder["folderName"] if folder else None, "isActive": secret.get("active", True),
            "isAccessRequestPending": any(r["status"] == "Pending" and r["secretId"] == id
                                          and r["requestingUserId"] == user["id"]
                                          for r in state.accessRequests.values())}


# ---- create / update ------------------------------------------------------------------

def _apply_items(template, body_items, items, errors):
    """Match body items by fieldId or slug (case-insensitive) and copy itemValue."""
    for entry in body_items or []:
        if not isinstance(entry, dict):
            errors["items"] = "Each item must be an object."
            continue
        field_id, slug = as_int(entry.get("fieldId")), (entry.get("slug") or "").lower()
        target = next((i for i in items if (field_id is not None and i["fieldId"] == field_id)
                       or (slug and i["slug"].lower() == slug)
                       or (as_int(entry.get("itemId")) and i["itemId"] == as_int(entry.get("itemId")))), None)
        if target is None:
            errors["items"] = f"Unknown field {entry.get('slug') or entry.get('fieldId')!r} for template {template['name']}."
            continue
        value = entry.get("itemValue")
        target["itemValue"] = "" if value is None else str(value)


def _blank_items(state, template):
    return [{"itemId": state.new_id("items") if state else 0, "fieldId": f["id"], "slug": f["slug"], "itemValue": ""}
            for f in template["fields"]]


def _target_folder(ctx, folder_id):
    if folder_id in ROOT_FOLDERS:
        return None  # UNCONFIRMED: secrets at the root need no folder permission here
    access.require_folder(ctx.state, ctx.user, folder_id, "Add Secret")
    return folder_id


@route("GET", "/api/v1/secrets/stub")
def stub(ctx):
    state = ctx.state
    template_id = as_int(ctx.query.get("secrettemplateid") or ctx.query.get("filter.secrettemplateid"))
    if template_id is None:
        raise invalid({"secretTemplateId": "The SecretTemplateId field is required."})
    template = template_or_404(state, template_id)
    folder_id = as_int(ctx.query.get("folderid"), -1)
    fake = {"id": 0, "name": "", "folderId": folder_id, "secretTemplateId": template_id, "active": True,
            "items": [{"itemId": 0, "fieldId": f["id"], "slug": f["slug"], "itemValue": ""} for f in template["fields"]],
            "enableInheritPermissions": folder_id not in ROOT_FOLDERS, "requireApprovalType": "None"}
    model = secret_model(state, ctx.user, fake)
    model["isRestricted"] = False
    return model


@route("POST", "/api/v1/secrets")
def create(ctx):
    state, data = ctx.state, ctx.data()
    errors = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = "The Name field is required."
    template_id = as_int(data.get("secretTemplateId"))
    template = state.templates.get(template_id)
    if template is None:
        errors["secretTemplateId"] = "A valid SecretTemplateId is required."
    items = _blank_items(state, template) if template else []
    if template:
        _apply_items(template, data.get("items"), items, errors)
    if errors:
        raise invalid(errors)
    folder_id = _target_folder(ctx, as_int(data.get("folderId"), -1))
    secret = {"id": state.new_id("secrets"), "name": name, "folderId": folder_id, "secretTemplateId": template_id,
              "active": True, "items": items, "siteId": as_int(data.get("siteId"), 1),
              "enableInheritPermissions": as_bool(data.get("enableInheritPermissions"), folder_id is not None),
              "enableInheritSecretPolicy": as_bool(data.get("enableInheritSecretPolicy"), True),
              "requiresComment": as_bool(data.get("requiresComment")), "requireApprovalType": "None",
              "approvers": [], "created": fmt_dt(ctx.now)}
    state.secrets[secret["id"]] = secret
    add_secret_permission(state, secret["id"], state.groups[ctx.user["personalGroupId"]], "Owner")
    return secret_model(state, ctx.user, secret)


@route("PUT", "/api/v1/secrets/{id:int}")
def update(ctx, id):
    state, data = ctx.state, ctx.data()
    secret = _load(ctx, id, "Edit")
    errors = {}
    if as_int(data.get("id")) != id:
        errors["id"] = "The id in the body must match the URL."
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = "The Name field is required."
    template = state.templates[secret["secretTemplateId"]]
    items = [dict(i) for i in secret["items"]]
    _apply_items(template, data.get("items"), items, errors)
    if errors:
        raise invalid(errors)
    if "folderId" in data and as_int(data.get("folderId"), -1) != (secret["folderId"] or -1):
        secret["folderId"] = _target_folder(ctx, as_int(data.get("folderId"), -1))
    secret.update(name=name, items=items)
    for key in ("enableInheritPermissions", "enableInheritSecretPolicy", "requiresComment", "active"):
        if key in data and data.get(key) is not None:
            secret[key] = as_bool(data[key])
    return secret_model(state, ctx.user, secret)


def _item(secret, slug):
    item = next((i for i in secret["items"] if i["slug"].lower() == slug.lower()), None)
    if item is None:
        # UNCONFIRMED body for an unknown slug.
        raise ApiError(400, {"errorCode": "API_FieldNotFound", "message": f"Field '{slug}' not found."})
    return item


@route("GET", "/api/v1/secrets/{id:int}/fields/{slug}")
def read_field(ctx, id, slug):
    return _item(_load(ctx, id), slug).get("itemValue", "")


@route("PUT", "/api/v1/secrets/{id:int}/fields/{slug}")
def update_field(ctx, id, slug):
    data = ctx.data()
    item = _item(_load(ctx, id, "Edit"), slug)
    if "value" not in data:
        raise invalid({"value": "The Value field is required."})
    item["itemValue"] = "" if data.get("value") is None else str(data.get("value"))
    return item["itemValue"]


def _dirty(data, key):
    """Fields of a {"data": {key: {"dirty": true, "value": ...}}} wrapper; absent dirty counts as dirty."""
    entry = data.get(key)
    if isinstance(entry, dict) and as_bool(entry.get("dirty"), True) and "value" in entry:
        return True, entry.get("value")
    return False, None


@route("PATCH", "/api/v1/secrets/{id:int}/general")
def patch_general(ctx, id):
    state = ctx.state
    data = ctx.data().get("data") or {}
    secret = _load(ctx, id, "Edit")
    changed, folder = _dirty(data, "folder")
    if changed:
        secret["folderId"] = _target_folder(ctx, as_int(folder.get("folderId") if isinstance(folder, dict) else folder, -1))
    changed, name = _dirty(data, "name")
    if changed:
        if not (name or "").strip():
            raise invalid({"name": "The Name field is required."})
        secret["name"] = name.strip()
    changed, active = _dirty(data, "active")
    if changed:
        secret["active"] = as_bool(active)
    folder = state.folders.get(secret["folderId"])
    # UNCONFIRMED: a minimal SecretDetailGeneralViewModel.
    return {"id": secret["id"], "name": {"value": secret["name"]}, "active": secret.get("active", True),
            "folder": {"value": {"folderId": secret["folderId"] if folder else -1,
                                 "folderName": folder["folderName"] if folder else None,
                                 "folderPath": folder_path(state, folder) if folder else "\\"}},
            "template": {"value": secret["secretTemplateId"]}}


@route("DELETE", "/api/v1/secrets/{id:int}")
def delete(ctx, id):
    # UNCONFIRMED: deleting needs Owner. It deactivates, as the doc says.
    secret = access.secret_for(ctx.state, ctx.user, id, "Owner", check_approval=False)
    secret["active"] = False
    return deleted(id, "Secret")


@route("PUT", "/api/v3/secrets/{id:int}/activate")
def activate(ctx, id):
    secret = access.secret_for(ctx.state, ctx.user, id, "Owner", include_inactive=True, check_approval=False)
    secret["active"] = True
    return secret_model(ctx.state, ctx.user, secret)


# ---- security approval -----------------------------------------------------------------

def security_model(state, secret) -> dict:
    approvers = []
    for gid in secret.get("approvers", []):
        group = state.groups.get(gid, {"name": None})
        user = state.users.get(group.get("personalUserId"))
        approvers.append({"displayName": user["displayName"] if user else group["name"], "groupId": gid,
                          "isGroup": user is None})
    return {"requireApprovalType": secret.get("requireApprovalType") or "None", "approvers": approvers,
            "approvalWorkflow": None, "requiresComment": secret.get("requiresComment", False),
            "checkOutEnabled": False, "checkOutIntervalMinutes": -1, "checkOutChangePassword": False,
            "hideLauncherPassword": False, "isDoubleLock": False}


@route("PUT|PATCH", "/api/v1/secrets/{id:int}/security-approval")
@route("PUT|PATCH", "/api/v3/secrets/{id:int}/security-approval")
def security_approval(ctx, id):
    state = ctx.state
    data = ctx.data().get("data")
    if not isinstance(data, dict):
        raise invalid({"data": "The data field is required."})
    secret = access.secret_for(state, ctx.user, id, "Owner", check_approval=False)
    errors = {}
    changed, kind = _dirty(data, "requireApprovalType")
    kind_name = next((k for k in access.APPROVAL_TYPES if k.lower() == str(kind).lower()), None) if changed else None
    if changed and not kind_name:
        errors["requireApprovalType"] = "Must be one of " + ", ".join(access.APPROVAL_TYPES) + "."
    changed_approvers, approvers = _dirty(data, "approvers")
    ids = []
    if changed_approvers:
        for entry in approvers or []:
            gid = as_int(entry.get("groupId")) if isinstance(entry, dict) else as_int(entry)
            if gid not in state.groups:
                errors["approvers"] = f"Group {gid} not found."
            ids.append(gid)
    if errors:
        raise invalid(errors)
    if kind_name:
        secret["requireApprovalType"] = kind_name
    if changed_approvers:
        secret["approvers"] = ids
    return {"success": True, "model": security_model(state, secret)}
