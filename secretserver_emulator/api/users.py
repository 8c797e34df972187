"""Users (docs §3): search, read, create, update, disable, the caller's own password.

A user's groups (`GET /api/v1/users/{id}/groups`) are served by groups.py.

Who may do what (UNCONFIRMED which role permissions gate the reads): reading
other users needs "View Users" or "Administer Users"; creating, updating and
deleting users needs "Administer Users"; everyone may read themselves and
their own groups. A missing role permission is the contract's 400 Access Denied
(403 is only for a bad token).

User names are unique per domain, case-insensitively (a local `alice` and a
directory `CORP\\alice` may coexist, as in Secret Server). Users are never
removed: DELETE disables (docs/secretserver-api-extensions.md).
"""
from __future__ import annotations

import re

from .. import passwords
from ..http import (ApiError, access_denied, as_int, deleted, invalid, iso, not_found, page,
                    values)
from ..router import route
from ..state import LOCAL_DOMAIN

USER_READERS = ("View Users", "Administer Users")
USER_ADMINS = ("Administer Users",)
SEARCH_FIELDS = {"username": "userName", "displayname": "displayName", "emailaddress": "emailAddress"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
MAX_NAME = 255  # UNCONFIRMED: Secret Server's column width for user and display names


def _created(row):
    return row.get("created", "")[:23] if row.get("created") else None


def domain_name(state, domain_id) -> str | None:
    domain = state.domains.get(domain_id)
    return domain["name"] if domain else None


def user_summary(state, user: dict) -> dict:
    domain_id = user.get("domainId", LOCAL_DOMAIN)
    return {"id": user["id"], "userName": user["userName"], "displayName": user["displayName"],
            "emailAddress": user.get("emailAddress", ""), "enabled": user.get("enabled", True),
            "domainId": domain_id, "domainName": domain_name(state, domain_id),
            "isApplicationAccount": user.get("isApplicationAccount", False),
            "isLockedOut": user.get("isLockedOut", False), "lastLogin": user.get("lastLogin"),
            "loginFailures": user.get("loginFailures", 0), "created": _created(user),
            "externalUserSource": "ActiveDirectory" if domain_id != LOCAL_DOMAIN else "None",
            "twoFactorMethod": "None", "platformIntegrationType": "None"}


def user_model(state, user: dict) -> dict:
    model = user_summary(state, user)
    model.pop("domainName")
    model.pop("twoFactorMethod")
    model.update({
        "lockOutReason": "LoginFailures" if user.get("isLockedOut") else None,
        "lockOutReasonDescription": "Locked out" if user.get("isLockedOut") else "",
        "lastSessionActivity": user.get("lastLogin"),
        "passwordLastChanged": _created({"created": user.get("passwordLastChanged")}),
        "personalGroupId": user["personalGroupId"], "adGuid": user.get("adGuid"), "adAccountExpires": None,
        "twoFactor": False, "duoTwoFactor": False, "oathTwoFactor": False, "radiusTwoFactor": False,
        "fido2TwoFactor": False, "radiusUserName": None, "isEmailVerified": True, "isEmailCopiedFromAD": False,
        "dateOptionId": -1, "timeOptionId": -1, "userLcid": 0,
    })
    return model


def require(state, user, perms):
    if not state.has_role_permission(user, *perms):
        raise access_denied()


def get_user(state, user_id):
    user = state.users.get(user_id)
    if not user:
        raise not_found("User", user_id)
    return user


def duplicate_user(name: str) -> ApiError:
    """UNCONFIRMED body: the validation envelope naming userName, plus an errorCode of our choosing."""
    return ApiError(400, {"message": "The request is invalid.", "errorCode": "API_DuplicateUserName",
                          "modelState": {"userName": [f"A user with the user name '{name}' already exists."]}})


def _password_errors(state, password, errors, user=None):
    history = (user.get("passwordHistory", []) + [user.get("password")]) if user else None
    broken = passwords.problems(state, password, history)
    if broken:
        errors["password"] = broken


def text_field(data, key, errors, label, required, *, max_length=MAX_NAME):
    """A trimmed string from the body (None when absent or invalid); problems go to ``errors`` with
    Secret Server's field messages."""
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[key] = f"The {label} field is required."
        return None
    if not isinstance(value, str):
        errors[key] = f"The {label} field must be a string."
        return None
    value = value.strip()
    if len(value) > max_length:
        errors[key] = f"The {label} field must be at most {max_length} characters."
    return value


def _email(data, errors):
    email = data.get("emailAddress")
    if email in (None, ""):
        return ""
    if not isinstance(email, str) or not EMAIL.match(email.strip()):
        errors["emailAddress"] = "The EmailAddress field is not a valid e-mail address."
        return None
    return email.strip()


def domain_field(state, data, errors) -> int:
    """The ``domainId`` of a create body: absent, 0 or null is the local domain; an unknown domain is a
    validation error (the id is still returned, so the other fields are checked too)."""
    domain_id = as_int(data.get("domainId"), LOCAL_DOMAIN)
    if domain_id in (0, None):
        domain_id = LOCAL_DOMAIN
    if domain_id != LOCAL_DOMAIN and domain_id not in state.domains:
        errors["domainId"] = f"Domain {domain_id} not found."
    return domain_id


def bool_field(data, key, errors, default=None):
    """A JSON boolean (or "true"/"false") from the body; anything else is a validation error."""
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    errors[key] = f"The {key} field must be true or false."
    return default


# ---- reads -------------------------------------------------------------------------------

@route("GET", "/api/v1/users/current")
def current(ctx):
    user = ctx.user
    return {"id": user["id"], "userName": user["userName"], "displayName": user["displayName"],
            "emailAddress": user.get("emailAddress", ""), "dateOptionId": -1, "timeOptionId": -1,
            "userLcid": 0, "userTheme": "", "platformIntegrationType": "None",
            "permissions": [{"name": n} for n in ctx.state.role_permissions(user)]}


@route("GET", "/api/v1/users")
def search_users(ctx):
    """filter.searchText (substring of the searchFields, default user name, display name and email),
    filter.searchFields[], filter.includeInactive, filter.domainId, filter.userIds[], paging."""
    state, q = ctx.state, ctx.query
    require(state, ctx.user, USER_READERS)
    text = (q.get("filter.searchtext") or "").strip().lower()
    fields = [SEARCH_FIELDS[f.lower()] for f in values(q, "filter.searchfields") if f.lower() in SEARCH_FIELDS]
    fields = fields or list(SEARCH_FIELDS.values())
    inactive = ctx.flag("filter.includeinactive")
    domain_id = as_int(q.get("filter.domainid"))
    wanted_ids = {as_int(v) for raw in values(q, "filter.userids") for v in str(raw).split(",")}
    wanted_ids.discard(None)
    candidates = ([state.users[i] for i in wanted_ids if i in state.users] if wanted_ids
                  else state.users.values())
    if text and len(fields) == len(SEARCH_FIELDS):
        candidates = [u for u in candidates if text in state.user_haystack(u)]
    elif text:
        candidates = [u for u in candidates if any(text in (u.get(f) or "").lower() for f in fields)]
    rows = [u for u in candidates
            if (inactive or u.get("enabled", True))
            and (domain_id is None or u.get("domainId", LOCAL_DOMAIN) == domain_id)]
    rows.sort(key=lambda u: state.user_name_rank(u["id"]))
    return page(rows, q, "userName", build=lambda u: user_summary(state, u), presorted=True)


@route("GET", "/api/v1/users/{id:int}")
def read_user(ctx, id):
    if id != ctx.user["id"]:
        require(ctx.state, ctx.user, USER_READERS)
    user = get_user(ctx.state, id)
    if not user.get("enabled", True) and not ctx.flag("includeinactive", True):
        raise not_found("User", id)
    return user_model(ctx.state, user)


# ---- writes ------------------------------------------------------------------------------

@route("POST", "/api/v1/users")
def create_user(ctx):
    """UserCreateArgs: userName, displayName, password (local users), emailAddress, enabled,
    isApplicationAccount, domainId. New users get the seed's `User` role (UNCONFIRMED default role)."""
    state, data = ctx.state, ctx.data()
    require(state, ctx.user, USER_ADMINS)
    errors = {}
    name = text_field(data, "userName", errors, "UserName", True)
    display = text_field(data, "displayName", errors, "DisplayName", True)
    email = _email(data, errors)
    enabled = bool_field(data, "enabled", errors, True)
    app_account = bool_field(data, "isApplicationAccount", errors, False)
    domain_id = domain_field(state, data, errors)
    if domain_id == LOCAL_DOMAIN:
        _password_errors(state, data.get("password"), errors)
    if errors:
        raise invalid(errors)
    if state.user_by_name(name, domain_id):
        raise duplicate_user(name)
    now = iso(ctx.now)
    record = {"id": state.new_id("users"), "userName": name, "displayName": display, "emailAddress": email,
              "password": data.get("password") if domain_id == LOCAL_DOMAIN else None,
              "enabled": enabled, "isLockedOut": False, "passwordExpired": False,
              "isApplicationAccount": app_account, "roles": ["User"] if "User" in state.roles else [],
              "loginFailures": 0, "lastLogin": None, "created": now, "passwordLastChanged": now,
              "domainId": domain_id, "adGuid": data.get("adGuid") if domain_id != LOCAL_DOMAIN else None,
              "passwordHistory": []}
    state.add_user(record, state.new_id("groups"))
    return user_model(state, record)


@route("PUT", "/api/v1/users/{id:int}")
def update_user(ctx, id):
    """UserUpdateArgs: displayName, emailAddress, enabled, isLockedOut, loginFailures, password,
    isApplicationAccount. UserUpdateArgs has no userName: Secret Server users cannot be renamed, so a
    userName in the body is ignored like any other unknown key."""
    state, data = ctx.state, ctx.data()
    require(state, ctx.user, USER_ADMINS)
    user = get_user(state, id)
    errors = {}
    if data.get("id") is not None and as_int(data.get("id")) != id:
        errors["id"] = "The id in the body must match the URL."
    changes = {}
    if data.get("displayName") is not None:
        changes["displayName"] = text_field(data, "displayName", errors, "DisplayName", True)
    if data.get("emailAddress") is not None:
        changes["emailAddress"] = _email(data, errors)
    for key in ("enabled", "isLockedOut", "isApplicationAccount"):
        value = bool_field(data, key, errors)
        if value is not None:
            changes[key] = value
    if data.get("loginFailures") is not None:
        failures = as_int(data.get("loginFailures"))
        if failures is None or failures < 0:
            errors["loginFailures"] = "The LoginFailures field must be a number >= 0."
        else:
            changes["loginFailures"] = failures
    if changes.get("enabled") is False and id == ctx.user["id"]:
        # UNCONFIRMED: Secret Server's refusal to disable the signed-in account.
        errors["enabled"] = "You cannot disable your own account."
    new_password = data.get("password")
    if new_password not in (None, ""):
        if user.get("domainId", LOCAL_DOMAIN) != LOCAL_DOMAIN:
            # UNCONFIRMED: directory users have no local password to set.
            errors["password"] = "The password of a domain user is managed by its directory."
        else:
            _password_errors(state, new_password, errors, user)
    if errors:
        raise invalid(errors)
    if changes.get("isLockedOut") is False:
        changes.setdefault("loginFailures", 0)
    user.update(changes)
    state.forget_haystack(id)
    if new_password not in (None, ""):
        _set_password(ctx, user, new_password)
    return user_model(state, user)


def _set_password(ctx, user, new_password):
    user.setdefault("passwordHistory", []).append(user.get("password"))
    user["passwordHistory"] = user["passwordHistory"][-24:]
    user.update(password=new_password, passwordExpired=False, passwordLastChanged=iso(ctx.now))


@route("DELETE", "/api/v1/users/{id:int}")
def delete_user(ctx, id):
    """Disables the user (Secret Server keeps users for the audit trail). A user that is already
    disabled answers 404, as the vendor's connector observes."""
    state = ctx.state
    require(state, ctx.user, USER_ADMINS)
    user = state.users.get(id)
    if not user or not user.get("enabled", True):
        raise not_found("User", id)
    if id == ctx.user["id"]:
        raise invalid({"id": "You cannot delete your own account."})
    user["enabled"] = False
    return deleted(id, "User")


@route("POST", "/api/v1/users/change-password")
def change_own_password(ctx):
    """The caller changes their own password: UserChangePasswordArgs {currentPassword, newPassword} -> UserModel.

    EXTENSION (SPEC users_service_change_password; error bodies UNCONFIRMED): a wrong current password is
    400 with modelState.currentPassword; the policy applies to newPassword.
    """
    state, data, user = ctx.state, ctx.data(), ctx.user
    errors = {}
    if user.get("domainId", LOCAL_DOMAIN) != LOCAL_DOMAIN:
        raise invalid({"newPassword": "The password of a domain user is managed by its directory."})
    if data.get("currentPassword") != user.get("password"):
        errors["currentPassword"] = "The current password is incorrect."
    problems = passwords.problems(state, data.get("newPassword"),
                                  user.get("passwordHistory", []) + [user.get("password")])
    if problems:
        errors["newPassword"] = problems
    if errors:
        raise invalid(errors)
    _set_password(ctx, user, data["newPassword"])
    return user_model(state, user)
