"""Secrets: search, read, state, stub, create, update, fields, general, delete, activate (docs §5)."""
from __future__ import annotations

from .. import access
from ..access import SECRET_ROLES, canonical
import math
from datetime import timedelta

from ..http import (ApiError, access_denied, as_bool, as_int, checked_out_by_another, checkout_required, comment_required,
                    deleted, fmt_dt, invalid, iso, page, values)
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


# ---- check-out ---------------------------------------------------------------------------
# UNCONFIRMED throughout: Secret Server's REST behaviour for check-out secrets. The emulator follows the
# query names the swagger documents (`autoCheckout`, `noAutoCheckout`, `autoCheckIn`, `forceCheckIn`):
# viewing or editing a check-out secret checks it out to the caller unless `noAutoCheckout=true`; it stays
# checked out for `checkOutIntervalMinutes` (default 30) of emulator time; another user is refused until
# then unless an Owner passes `forceCheckIn=true`; `POST /api/v1/secrets/{id}/check-in` releases it.
DEFAULT_CHECKOUT_MINUTES = 30


def checkout_holder(state, secret) -> int | None:
    """The user id holding the check-out, or None (an expired check-out counts as released)."""
    holder, end = secret.get("checkOutUserId"), secret.get("checkOutEnd")
    if holder is None or not end or state.when(end) <= state.now():
        return None
    return holder


def _holder_name(state, secret) -> str:
    holder = state.users.get(checkout_holder(state, secret))
    return holder["userName"] if holder else ""


def checkout_fields(state, secret) -> dict:
    holder = checkout_holder(state, secret)
    user = state.users.get(holder) if holder is not None else None
    remaining = 0
    if holder is not None:
        remaining = max(0, math.ceil((state.when(secret["checkOutEnd"]) - state.now()).total_seconds() / 60))
    return {"checkedOut": holder is not None, "checkOutEnabled": bool(secret.get("checkOutEnabled")),
            "checkOutIntervalMinutes": secret.get("checkOutIntervalMinutes", DEFAULT_CHECKOUT_MINUTES)
            if secret.get("checkOutEnabled") else -1,
            "checkOutMinutesRemaining": remaining, "checkOutUserId": holder if holder is not None else -1,
            "checkOutUserDisplayName": user["displayName"] if user else ""}


def check_out(state, secret, user):
    minutes = secret.get("checkOutIntervalMinutes") or DEFAULT_CHECKOUT_MINUTES
    secret.update(checkOutUserId=user["id"], checkOutEnd=iso(state.now() + timedelta(minutes=minutes)))


def check_in(secret):
    secret.update(checkOutUserId=None, checkOutEnd=None)


def gate(state, user, secret, comment=None, no_auto_checkout=False, force_check_in=False, token=None):
    """The comment and check-out rules on top of permissions and approval (`access.secret_for`).

    Require Comment applies to every caller, owners included (UNCONFIRMED); the comment comes from the
    restricted calls' body, an update's `comment`, or an earlier `view-comment` under the same token.
    """
    commented = token is not None and secret["id"] in state.tokens.get(token, {}).get("viewComments", [])
    if secret.get("requiresComment") and not str(comment or "").strip() and not commented:
        raise comment_required()
    if not secret.get("checkOutEnabled"):
        return
    holder = checkout_holder(state, secret)
    if holder is not None and holder != user["id"]:
        if force_check_in and access.secret_rank(state, user, secret) >= SECRET_ROLES["Owner"][0]:
            check_in(secret)
            holder = None
        else:
            raise checked_out_by_another()
    if holder is None:
        if no_auto_checkout:
            raise checkout_required()
        check_out(state, secret, user)


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
        **checkout_fields(state, secret),
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
            "inheritsPermissions": secret.get("enableInheritPermissions", True),
            "checkedOut": checkout_holder(state, secret) is not None,
            "checkOutEnabled": bool(secret.get("checkOutEnabled")),
            "checkOutUserId": checkout_fields(state, secret)["checkOutUserId"],
            "checkOutUserName": _holder_name(state, secret),
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

def _option(ctx, name, default=False):
    """A read/edit option from the query string or, for writes, the JSON body."""
    if ctx.query.get(name) not in (None, ""):
        return ctx.flag(name, default)
    if ctx.method != "GET" and isinstance(ctx.body, dict):
        return as_bool(ctx.body.get(name), default)
    return default


def _load(ctx, id, minimum="View", check_approval=True, comment=None):
    include_inactive = _option(ctx, "includeInactive")
    secret = access.secret_for(ctx.state, ctx.user, id, minimum, include_inactive, check_approval)
    if comment is None and ctx.method != "GET" and isinstance(ctx.body, dict):
        comment = ctx.body.get("comment")
    gate(ctx.state, ctx.user, secret, comment, _option(ctx, "noAutoCheckout"), _option(ctx, "forceCheckIn"),
         ctx.token)
    secret["lastAccessed"] = fmt_dt(ctx.now)
    return secret


def _after_read(ctx, secret):
    if _option(ctx, "autoCheckIn") and checkout_holder(ctx.state, secret) == ctx.user["id"]:
        check_in(secret)


@route("GET", "/api/v1/secrets/{id:int}")
@route("GET", "/api/v2/secrets/{id:int}")
def read(ctx, id):
    if id == 0 and ctx.query.get("secretpath"):
        id = _by_path(ctx.state, ctx.query["secretpath"])
    secret = _load(ctx, id)
    model = secret_model(ctx.state, ctx.user, secret)
    _after_read(ctx, secret)
    return model


@route("POST", "/api/v1/secrets/{id:int}/restricted")
def read_restricted(ctx, id):
    """Contract §5: read a restricted secret with {comment, ticketNumber, ticketSystemId, forceCheckIn,
    includeInactive, noAutoCheckout, doubleLockPassword}."""
    ctx.data()
    secret = _load(ctx, id)
    model = secret_model(ctx.state, ctx.user, secret)
    _after_read(ctx, secret)
    return model


@route("POST", "/api/v1/secrets/{id:int}/restricted/fields/{slug}")
def read_restricted_field(ctx, id, slug):
    ctx.data()
    secret = _load(ctx, id)
    value = _item(secret, slug).get("itemValue", "")
    _after_read(ctx, secret)
    return value


@route("POST", "/api/v1/secret-access-requests/secrets/{id:int}/view-comment")
def view_comment(ctx, id):
    """Contract §7: {comment, ticketNumber, ticketSystemId} -> true. The comment then stands for this
    secret for the rest of the caller's access token (UNCONFIRMED: how long Secret Server honours it)."""
    data = ctx.data()
    access.secret_for(ctx.state, ctx.user, id, "View", check_approval=True)
    if not str(data.get("comment") or "").strip():
        raise invalid({"comment": "The Comment field is required."})
    record = ctx.state.tokens.get(ctx.token)
    if record is not None and id not in record.setdefault("viewComments", []):
        record["viewComments"].append(id)
    return True


@route("POST", "/api/v1/secrets/{id:int}/check-in")
def check_in_route(ctx, id):
    """EXTENSION (SS has a check-in call; body and answer UNCONFIRMED): the holder, or an Owner with
    forceCheckIn, releases the check-out -> SecretSummary."""
    state = ctx.state
    secret = access.secret_for(state, ctx.user, id, "View", _option(ctx, "includeInactive"), check_approval=False)
    holder = checkout_holder(state, secret)
    if holder is not None and holder != ctx.user["id"]:
        if not (_option(ctx, "forceCheckIn")
                and access.secret_rank(state, ctx.user, secret) >= SECRET_ROLES["Owner"][0]):
            raise checked_out_by_another()
    check_in(secret)
    return secret_summary(state, ctx.user, secret)


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
    holder = checkout_holder(state, secret)
    needs_checkout = bool(secret.get("checkOutEnabled")) and holder != user["id"]
    if blocked:
        secret_state = "RequiresApproval"
    elif not secret.get("active", True):
        secret_state = "RequiresUndelete"
    elif role < SECRET_ROLES["View"][0]:
        secret_state = "CannotView"
    elif needs_checkout and secret.get("requiresComment"):
        secret_state = "RequiresCheckoutAndComment"
    elif needs_checkout:
        secret_state = "RequiresCheckout"
    elif secret.get("requiresComment"):
        secret_state = "RequiresComment"
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
        _required_items(template, items, errors)
    security = _security_options(data, errors)
    if errors:
        raise invalid(errors)
    folder_id = _target_folder(ctx, as_int(data.get("folderId"), -1))
    secret = {"id": state.new_id("secrets"), "name": name, "folderId": folder_id, "secretTemplateId": template_id,
              "active": True, "items": items, "siteId": as_int(data.get("siteId"), 1),
              "enableInheritPermissions": as_bool(data.get("enableInheritPermissions"), folder_id is not None),
              "enableInheritSecretPolicy": as_bool(data.get("enableInheritSecretPolicy"), True),
              "requiresComment": False, "checkOutEnabled": False, "requireApprovalType": "None",
              "approvers": [], "created": fmt_dt(ctx.now), **security}
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
    _required_items(template, items, errors)
    security = {k: v for k, v in _security_options(data, errors).items() if secret.get(k, False) != v}
    if errors:
        raise invalid(errors)
    if security and access.secret_rank(state, ctx.user, secret) < SECRET_ROLES["Owner"][0]:
        raise access_denied()  # the Security settings are the owners' (UNCONFIRMED)
    if "folderId" in data and as_int(data.get("folderId"), -1) != (secret["folderId"] or -1):
        secret["folderId"] = _target_folder(ctx, as_int(data.get("folderId"), -1))
    secret.update(name=name, items=items, **security)
    if security.get("checkOutEnabled") is False:
        check_in(secret)
    for key in ("enableInheritPermissions", "enableInheritSecretPolicy", "active"):
        if key in data and data.get(key) is not None:
            secret[key] = as_bool(data[key])
    return secret_model(state, ctx.user, secret)


def _security_options(data, errors) -> dict:
    """requiresComment, checkOutEnabled, checkOutIntervalMinutes present in a create/update body."""
    out = {}
    for key in ("requiresComment", "checkOutEnabled"):
        if data.get(key) is not None:
            out[key] = as_bool(data[key])
    if data.get("checkOutIntervalMinutes") is not None:
        minutes = as_int(data.get("checkOutIntervalMinutes"))
        if minutes is None or (minutes <= 0 and minutes != -1):
            errors["checkOutIntervalMinutes"] = "Must be a positive number of minutes (or -1 for the default)."
        elif minutes > 0:
            out["checkOutIntervalMinutes"] = minutes
    return out


def _required_items(template, items, errors):
    """Fields the template marks isRequired need a value (UNCONFIRMED message)."""
    values = {i["fieldId"]: i.get("itemValue") for i in items}
    missing = [f["name"] for f in template["fields"] if f.get("isRequired") and not str(values.get(f["id"]) or "")]
    if missing:
        errors["items"] = [f"The {name} field is required." for name in missing]


def _item(secret, slug):
    item = next((i for i in secret["items"] if i["slug"].lower() == slug.lower()), None)
    if item is None:
        # UNCONFIRMED body for an unknown slug.
        raise ApiError(400, {"errorCode": "API_FieldNotFound", "message": f"Field '{slug}' not found."})
    return item


@route("GET", "/api/v1/secrets/{id:int}/fields/{slug}")
def read_field(ctx, id, slug):
    secret = _load(ctx, id)
    value = _item(secret, slug).get("itemValue", "")
    _after_read(ctx, secret)
    return value


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
            "checkOutEnabled": bool(secret.get("checkOutEnabled")),
            "checkOutIntervalMinutes": checkout_fields(state, secret)["checkOutIntervalMinutes"],
            "checkOutChangePassword": False,
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
