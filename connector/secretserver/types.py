"""Typed, frozen views of Secret Server's JSON (shared/docs/secretserver-api.md §1–§8).

Each ``from_json`` accepts keys in any case and the alternative shapes the contract mentions; a missing
required key (usually ``id``) raises ``ValueError``, which the client turns into ``UnexpectedResponse``.
Secret item values and tokens never appear in ``repr()``.
"""
from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

__all__ = [
    "parse_datetime", "format_datetime",
    "TokenGrant", "Health", "CurrentUser", "User", "UserSummary", "Group", "GroupMembership", "Folder",
    "FolderPermission", "Secret", "SecretItem", "SecretSummary", "SecretState", "SecretTemplate",
    "TemplateField", "SecretPermission", "AccessRequest", "AccessRequestOptions", "ApprovalSettings",
    "Approver", "Deleted",
]

_DT = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?\s*(Z|z|[+-]\d{2}:?\d{2})?$"
)


def parse_datetime(value) -> datetime | None:
    """Aware UTC datetime from ``2024-01-31T12:00:00[.123…][Z|±hh:mm]``; naive means UTC; null/garbage -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    if not isinstance(value, str):
        return None
    m = _DT.match(value.strip())
    if not m:
        return None
    date, clock, frac, zone = m.groups()
    if clock.count(":") == 1:
        clock += ":00"
    text = f"{date}T{clock}"
    if frac:
        text += "." + (frac + "000000")[:6]
    if zone and zone not in ("Z", "z"):
        text += zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def format_datetime(value: datetime) -> str:
    """What we send: UTC, ISO 8601, seconds precision, ``Z`` suffix (naive input is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class _J:
    """Case-insensitive read-only view of one JSON object (internal)."""

    __slots__ = ("_d",)

    def __init__(self, obj):
        if not isinstance(obj, Mapping):
            raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
        self._d = {str(k).lower(): v for k, v in obj.items()}

    def raw(self, *names, default=None):
        for name in names:
            v = self._d.get(name.lower())
            if v is not None:
                return v
        return default

    def req_int(self, *names) -> int:
        v = self.raw(*names)
        if v is None or isinstance(v, bool):
            raise ValueError(f"missing {names[0]}")
        return int(v)

    def int(self, *names, default=None):
        v = self.raw(*names)
        if v is None or isinstance(v, bool):
            return default
        try:
            return int(v)
        except (TypeError, ValueError):
            return default

    def str(self, *names, default=""):
        v = self.raw(*names)
        return default if v is None else str(v)

    def opt_str(self, *names):
        v = self.raw(*names)
        return None if v is None else str(v)

    def bool(self, *names, default=False):
        v = self.raw(*names)
        if v is None:
            return default
        if isinstance(v, str):
            return v.strip().lower() in ("true", "1", "yes")
        return bool(v)

    def opt_bool(self, *names):
        v = self.raw(*names)
        return None if v is None else self.bool(*names)

    def dt(self, *names):
        return parse_datetime(self.raw(*names))

    def list(self, *names):
        v = self.raw(*names)
        return v if isinstance(v, list) else []


def _j(obj) -> _J:
    return obj if isinstance(obj, _J) else _J(obj)


# ---- tokens, health --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TokenGrant:
    """§1 ``POST /oauth2/token`` success. Tokens are hidden from ``repr``."""

    access_token: str = field(repr=False)
    token_type: str
    expires_in: int
    refresh_token: str | None = field(default=None, repr=False)
    obtained_at: float = field(default_factory=time.time)

    @property
    def expires_at(self) -> float:
        return self.obtained_at + self.expires_in

    @classmethod
    def from_json(cls, obj) -> "TokenGrant":
        j = _j(obj)
        token = j.raw("access_token", "accessToken")
        if not isinstance(token, str) or not token:
            raise ValueError("missing access_token")
        return cls(token, j.str("token_type", "tokenType", default="bearer"),
                   j.int("expires_in", "expiresIn", default=1199), j.opt_str("refresh_token", "refreshToken"))


@dataclass(frozen=True)
class Health:
    """§2 ``GET /api/v1/healthcheck``: ``Healthy``/``healthy`` either spelling."""

    healthy: bool
    database_healthy: bool | None = None
    service_bus_healthy: bool | None = None
    read_only_mode: bool = False
    now: datetime | None = None

    @classmethod
    def from_json(cls, obj) -> "Health":
        if isinstance(obj, bool):
            return cls(obj)
        j = _j(obj)
        if j.raw("healthy") is None:
            raise ValueError("missing healthy")
        return cls(j.bool("healthy"), j.opt_bool("databaseHealthy"), j.opt_bool("serviceBusHealthy"),
                   j.bool("readOnlyMode"), j.dt("utcNow", "now"))


# ---- users and groups ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CurrentUser:
    """§3 ``GET /api/v1/users/current``; ``permissions`` are role-permission names."""

    id: int
    user_name: str
    display_name: str
    email_address: str
    permissions: tuple[str, ...] = ()

    def has_permission(self, name: str) -> bool:
        wanted = name.strip().lower()
        return any(p.strip().lower() == wanted for p in self.permissions)

    @classmethod
    def from_json(cls, obj) -> "CurrentUser":
        j = _j(obj)
        perms = []
        for p in j.list("permissions"):
            if isinstance(p, str):
                perms.append(p)
            elif isinstance(p, Mapping):
                name = _J(p).opt_str("name", "permissionName")
                if name:
                    perms.append(name)
        return cls(j.req_int("id"), j.str("userName"), j.str("displayName"), j.str("emailAddress"), tuple(perms))


@dataclass(frozen=True)
class User:
    """§3 ``GET /api/v1/users/{id}`` (UserModel)."""

    id: int
    user_name: str
    display_name: str
    email_address: str
    enabled: bool
    is_application_account: bool
    is_locked_out: bool
    domain_id: int | None = None
    personal_group_id: int | None = None
    login_failures: int = 0
    last_login: datetime | None = None
    created: datetime | None = None
    password_last_changed: datetime | None = None

    @classmethod
    def from_json(cls, obj) -> "User":
        j = _j(obj)
        return cls(j.req_int("id"), j.str("userName"), j.str("displayName"), j.str("emailAddress"),
                   j.bool("enabled", default=True), j.bool("isApplicationAccount"), j.bool("isLockedOut"),
                   j.int("domainId"), j.int("personalGroupId"), j.int("loginFailures", default=0),
                   j.dt("lastLogin"), j.dt("created"), j.dt("passwordLastChanged"))


@dataclass(frozen=True)
class UserSummary:
    """§3 ``GET /api/v1/users`` records (UserSummary)."""

    id: int
    user_name: str
    display_name: str
    email_address: str
    enabled: bool
    is_application_account: bool = False
    is_locked_out: bool = False
    domain_id: int | None = None
    domain_name: str | None = None
    last_login: datetime | None = None
    created: datetime | None = None

    @classmethod
    def from_json(cls, obj) -> "UserSummary":
        j = _j(obj)
        return cls(j.req_int("id"), j.str("userName"), j.str("displayName"), j.str("emailAddress"),
                   j.bool("enabled", default=True), j.bool("isApplicationAccount"), j.bool("isLockedOut"),
                   j.int("domainId"), j.opt_str("domainName"), j.dt("lastLogin"), j.dt("created"))


@dataclass(frozen=True)
class Group:
    """§3 GroupSummary / GroupModel."""

    id: int
    name: str
    enabled: bool
    domain_id: int | None = None
    domain_name: str | None = None
    member_count: int | None = None
    system_group: bool = False
    created: datetime | None = None

    @classmethod
    def from_json(cls, obj) -> "Group":
        j = _j(obj)
        return cls(j.req_int("id", "groupId"), j.str("name", "groupName"), j.bool("enabled", default=True),
                   j.int("domainId"), j.opt_str("domainName"), j.int("memberCount"), j.bool("systemGroup"),
                   j.dt("created"))


@dataclass(frozen=True)
class GroupMembership:
    """§3 GroupUserSummary: one (group, user) pair from ``/users/{id}/groups`` or ``/groups/{id}/users``."""

    group_id: int
    group_name: str
    user_id: int | None
    user_name: str
    display_name: str = ""
    enabled: bool = True
    group_domain_id: int | None = None
    user_domain_id: int | None = None

    @classmethod
    def from_json(cls, obj) -> "GroupMembership":
        j = _j(obj)
        return cls(j.req_int("groupId"), j.str("groupName"), j.int("userId"), j.str("userName"),
                   j.str("displayName"), j.bool("enabled", default=True), j.int("groupDomainId"),
                   j.int("userDomainId"))


# ---- folders ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Folder:
    """§4 FolderSummary / FolderModel. ``parent_folder_id`` is -1 for a root folder (null is normalised)."""

    id: int
    folder_name: str
    folder_path: str = ""
    parent_folder_id: int = -1
    folder_type_id: int = 1
    inherit_permissions: bool = True
    inherit_secret_policy: bool = True
    secret_policy_id: int | None = None
    child_folders: tuple["Folder", ...] = ()

    @property
    def is_root(self) -> bool:
        return self.parent_folder_id in (-1, 0)

    @classmethod
    def from_json(cls, obj) -> "Folder":
        j = _j(obj)
        parent = j.int("parentFolderId")
        return cls(j.int("id", "folderId", default=0), j.str("folderName", "name", "value"), j.str("folderPath"),
                   -1 if parent is None else parent, j.int("folderTypeId", default=1),
                   j.bool("inheritPermissions", default=True), j.bool("inheritSecretPolicy", default=True),
                   j.int("secretPolicyId"),
                   tuple(Folder.from_json(c) for c in j.list("childFolders") if isinstance(c, Mapping)))


@dataclass(frozen=True)
class FolderPermission:
    """§4 FolderPermissionSummary / FolderPermissionModel."""

    id: int
    folder_id: int
    user_id: int | None
    group_id: int | None
    user_name: str = ""
    group_name: str = ""
    known_as: str = ""
    folder_access_role_name: str = ""
    secret_access_role_name: str = ""

    @classmethod
    def from_json(cls, obj) -> "FolderPermission":
        j = _j(obj)
        return cls(j.req_int("id"), j.int("folderId", default=0), j.int("userId"), j.int("groupId"),
                   j.str("userName"), j.str("groupName"), j.str("knownAs"), j.str("folderAccessRoleName"),
                   j.str("secretAccessRoleName"))


# ---- secrets ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SecretItem:
    """§5 RestSecretItem. ``item_value`` is never shown by ``repr`` (passwords, notes holding tokens)."""

    slug: str
    item_value: str | None = field(default=None, repr=False)
    field_id: int | None = None
    item_id: int | None = None
    field_name: str = ""
    field_description: str = ""
    is_password: bool = False
    is_notes: bool = False
    is_file: bool = False
    is_list: bool = False
    list_type: str = "None"
    file_attachment_id: int | None = None
    filename: str | None = None

    def __repr__(self) -> str:
        shown = "None" if self.item_value is None else "'***'"
        return (f"SecretItem(slug={self.slug!r}, field_id={self.field_id!r}, item_id={self.item_id!r}, "
                f"field_name={self.field_name!r}, is_password={self.is_password!r}, item_value={shown})")

    @classmethod
    def from_json(cls, obj) -> "SecretItem":
        j = _j(obj)
        value = j.raw("itemValue", "value")
        return cls(j.str("slug", "fieldSlugName"), None if value is None else str(value), j.int("fieldId"),
                   j.int("itemId"), j.str("fieldName", "name"), j.str("fieldDescription"), j.bool("isPassword"),
                   j.bool("isNotes"), j.bool("isFile"), j.bool("isList"), j.str("listType", default="None"),
                   j.int("fileAttachmentId"), j.opt_str("filename", "fileName"))

    def to_json(self) -> dict:
        return {
            "itemId": self.item_id, "fieldId": self.field_id, "fieldName": self.field_name, "slug": self.slug,
            "fieldDescription": self.field_description, "itemValue": self.item_value,
            "isPassword": self.is_password, "isNotes": self.is_notes, "isFile": self.is_file,
            "isList": self.is_list, "listType": self.list_type, "fileAttachmentId": self.file_attachment_id,
            "filename": self.filename,
        }


@dataclass(frozen=True)
class Secret:
    """§5 SecretModel (``GET /api/v1/secrets/{id}``, the stub, create/update answers)."""

    id: int
    name: str
    folder_id: int | None
    secret_template_id: int
    items: tuple[SecretItem, ...] = ()
    secret_template_name: str = ""
    site_id: int | None = None
    active: bool = True
    enable_inherit_permissions: bool = True
    enable_inherit_secret_policy: bool = True
    secret_policy_id: int | None = None
    requires_comment: bool = False
    requires_approval_for_access: bool = False
    is_restricted: bool = False
    is_double_lock: bool = False
    checked_out: bool = False
    check_out_enabled: bool = False
    auto_change_enabled: bool = False

    def item(self, slug: str) -> SecretItem | None:
        wanted = slug.lower()
        return next((i for i in self.items if i.slug.lower() == wanted), None)

    def field(self, slug: str) -> str | None:
        """The value of the item with this slug (case-insensitive), or None."""
        it = self.item(slug)
        return None if it is None else it.item_value

    def with_values(self, *, name: str | None = None, folder_id: int | None = None, **values: str | None) -> "Secret":
        """A copy with ``name``/``folder_id`` and item values (by slug) replaced; unknown slugs raise KeyError."""
        items = list(self.items)
        for slug, value in values.items():
            idx = next((n for n, i in enumerate(items) if i.slug.lower() == slug.lower()), None)
            if idx is None:
                raise KeyError(f"no field with slug {slug!r}")
            items[idx] = replace(items[idx], item_value=value)
        return replace(self, items=tuple(items), name=self.name if name is None else name,
                       folder_id=self.folder_id if folder_id is None else folder_id)

    @classmethod
    def from_json(cls, obj) -> "Secret":
        j = _j(obj)
        return cls(j.req_int("id"), j.str("name"), j.int("folderId"), j.int("secretTemplateId", default=0),
                   tuple(SecretItem.from_json(i) for i in j.list("items") if isinstance(i, Mapping)),
                   j.str("secretTemplateName"), j.int("siteId"), j.bool("active", default=True),
                   j.bool("enableInheritPermissions", default=True), j.bool("enableInheritSecretPolicy", default=True),
                   j.int("secretPolicyId"), j.bool("requiresComment"), j.bool("requiresApprovalForAccess"),
                   j.bool("isRestricted"), j.bool("isDoubleLock"), j.bool("checkedOut"), j.bool("checkOutEnabled"),
                   j.bool("autoChangeEnabled"))

    def to_json(self) -> dict:
        """Body for POST /api/v1/secrets and the full-replace PUT /api/v1/secrets/{id} (camelCase)."""
        return {
            "id": self.id, "name": self.name, "folderId": self.folder_id, "secretTemplateId": self.secret_template_id,
            "siteId": self.site_id, "active": self.active, "items": [i.to_json() for i in self.items],
            "enableInheritPermissions": self.enable_inherit_permissions,
            "enableInheritSecretPolicy": self.enable_inherit_secret_policy, "secretPolicyId": self.secret_policy_id,
            "requiresComment": self.requires_comment, "checkOutEnabled": self.check_out_enabled,
            "autoChangeEnabled": self.auto_change_enabled,
        }


@dataclass(frozen=True)
class SecretSummary:
    """§5 SecretSummary (``GET /api/v1/secrets`` records)."""

    id: int
    name: str
    folder_id: int | None = None
    folder_path: str = ""
    secret_template_id: int | None = None
    secret_template_name: str = ""
    active: bool = True
    is_restricted: bool = False
    requires_approval: bool = False
    requires_comment: bool = False
    inherits_permissions: bool | None = None
    checked_out: bool = False
    last_accessed: datetime | None = None
    create_date: datetime | None = None

    @classmethod
    def from_json(cls, obj) -> "SecretSummary":
        j = _j(obj)
        return cls(j.req_int("id"), j.str("name", "secretName"), j.int("folderId"), j.str("folderPath"),
                   j.int("secretTemplateId"), j.str("secretTemplateName"), j.bool("active", default=True),
                   j.bool("isRestricted"), j.bool("requiresApproval", "requiresApprovalForAccess"),
                   j.bool("requiresComment"), j.opt_bool("inheritsPermissions"), j.bool("checkedOut"),
                   j.dt("lastAccessed"), j.dt("createDate"))


@dataclass(frozen=True)
class SecretState:
    """§5 ``GET /api/v1/secrets/{id}/state`` (SecretDetailStateViewModel)."""

    id: int
    secret_state: str
    approval_end: datetime | None = None
    role: str | None = None
    actions: tuple[str, ...] = ()
    secret_name: str = ""
    folder_id: int | None = None
    folder_name: str = ""

    @property
    def requires_approval(self) -> bool:
        return self.secret_state.lower() == "requiresapproval"

    @property
    def accessible(self) -> bool:
        """True when nothing stands between the caller and the secret's values (state ``None``)."""
        return self.secret_state.lower() in ("none", "")

    @classmethod
    def from_json(cls, obj) -> "SecretState":
        j = _j(obj)
        actions = tuple(str(a) for a in j.list("actions") if isinstance(a, (str, int)))
        return cls(j.int("id", "secretId", default=0), j.str("secretState", "state", default="None"),
                   j.dt("approvalEnd"), j.opt_str("role"), actions, j.str("secretName", "name"), j.int("folderId"),
                   j.str("folderName"))


@dataclass(frozen=True)
class TemplateField:
    """§5 SecretTemplateField: ``secretTemplateFieldId`` (= item fieldId) and ``fieldSlugName`` (= item slug)."""

    id: int | None
    slug: str
    name: str = ""
    display_name: str = ""
    description: str = ""
    is_password: bool = False
    is_required: bool = False
    is_url: bool = False
    is_notes: bool = False
    is_file: bool = False
    is_list: bool = False
    list_type: str = "None"
    sort_order: int | None = None

    @classmethod
    def from_json(cls, obj) -> "TemplateField":
        j = _j(obj)
        return cls(j.int("secretTemplateFieldId", "fieldId", "id"), j.str("fieldSlugName", "slug"), j.str("name"),
                   j.str("displayName"), j.str("description"), j.bool("isPassword"), j.bool("isRequired"),
                   j.bool("isUrl"), j.bool("isNotes"), j.bool("isFile"), j.bool("isList"),
                   j.str("listType", default="None"), j.int("sortOrder"))


@dataclass(frozen=True)
class SecretTemplate:
    """§5 SecretTemplateModel (``fields`` empty for search results, which are summaries)."""

    id: int
    name: str
    fields: tuple[TemplateField, ...] = ()
    active: bool = True
    password_type_id: int | None = None

    def field_by_slug(self, slug: str) -> TemplateField | None:
        return next((f for f in self.fields if f.slug.lower() == slug.lower()), None)

    @classmethod
    def from_json(cls, obj) -> "SecretTemplate":
        j = _j(obj)
        return cls(j.req_int("id"), j.str("name"),
                   tuple(TemplateField.from_json(f) for f in j.list("fields") if isinstance(f, Mapping)),
                   j.bool("active", default=True), j.int("passwordTypeId"))


@dataclass(frozen=True)
class SecretPermission:
    """§6 SecretPermissionSummary / SecretPermissionModel."""

    id: int
    secret_id: int
    user_id: int | None
    group_id: int | None
    secret_access_role_name: str
    user_name: str = ""
    group_name: str = ""
    known_as: str = ""
    domain_name: str = ""
    secret_access_role_id: int | None = None

    @classmethod
    def from_json(cls, obj) -> "SecretPermission":
        j = _j(obj)
        return cls(j.req_int("id"), j.int("secretId", default=0), j.int("userId"), j.int("groupId"),
                   j.str("secretAccessRoleName", "roleName"), j.str("userName"), j.str("groupName"),
                   j.str("knownAs"), j.str("domainName"), j.int("secretAccessRoleId"))


# ---- access requests -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AccessRequest:
    """§7 SecretAccessModel / SecretAccessActionResultModel; dates are aware UTC datetimes."""

    id: int
    secret_id: int
    status: str
    requesting_user_id: int | None = None
    request_username: str = ""
    secret_name: str = ""
    folder_id: int | None = None
    request_comment: str = ""
    request_date: datetime | None = None
    status_description: str = ""
    review_status_message: str = ""
    approver_display_name: str = ""
    response_comment: str = ""
    response_date: datetime | None = None
    start_date: datetime | None = None
    expiration_date: datetime | None = None
    completed: bool = False
    ticket_number: str = ""
    action_result_message: str = ""

    @property
    def is_pending(self) -> bool:
        return self.status.lower() == "pending"

    def grants_access_at(self, when: datetime) -> bool:
        """Approved and ``when`` inside [start, expiration]; a missing expiration never counts as granted."""
        if self.status.lower() != "approved" or self.expiration_date is None:
            return False
        start = self.start_date or self.response_date
        return (start is None or start <= when) and when < self.expiration_date

    @classmethod
    def from_json(cls, obj) -> "AccessRequest":
        j = _j(obj)
        return cls(j.req_int("secretAccessRequestId", "id"), j.int("secretId", default=0), j.str("status"),
                   j.int("requestingUserId"), j.str("requestUsername", "requestingUsername"), j.str("secretName"),
                   j.int("folderId"), j.str("requestComment"), j.dt("requestDate", "dateOfRequest"),
                   j.str("statusDescription"), j.str("reviewStatusMessage"), j.str("approverDisplayName"),
                   j.str("responseComment"), j.dt("responseDate"), j.dt("startDate"), j.dt("expirationDate"),
                   j.bool("completed"), j.str("ticketNumber"), j.str("actionResultMessage"))


@dataclass(frozen=True)
class AccessRequestOptions:
    """§7 SecretAccessOptionsModel (``GET /api/v1/secret-access-requests/secrets/{id}/options``)."""

    enable_requires_approval_for_access: bool
    editors_also_require_approval: bool = False
    owners_and_approvers_also_require_approval: bool = False
    require_checkout: bool = False
    require_comment_ticket_number: bool = False
    enable_double_lock: bool = False

    @classmethod
    def from_json(cls, obj) -> "AccessRequestOptions":
        j = _j(obj)
        return cls(j.bool("enableRequiresApprovalForAccess", "requiresApprovalForAccess"),
                   j.bool("editorsAlsoRequireApproval"), j.bool("ownersAndApproversAlsoRequireApproval"),
                   j.bool("requireCheckout"), j.bool("requireCommentTicketNumber"), j.bool("enableDoubleLock"))


@dataclass(frozen=True)
class Approver:
    """§7 ``approvers[] {displayName, groupId, isGroup}`` of SecretDetailSecurityModel."""

    group_id: int
    display_name: str = ""
    is_group: bool = True

    @classmethod
    def from_json(cls, obj) -> "Approver":
        if isinstance(obj, int) and not isinstance(obj, bool):
            return cls(obj)
        j = _j(obj)
        return cls(j.req_int("groupId", "id"), j.str("displayName", "name"), j.bool("isGroup", default=True))


@dataclass(frozen=True)
class ApprovalSettings:
    """§7 security-approval answer: ``{success, model:{requireApprovalType, approvers[]}}`` or the bare model."""

    require_approval_type: str
    approvers: tuple[Approver, ...] = ()

    @property
    def approver_group_ids(self) -> tuple[int, ...]:
        return tuple(a.group_id for a in self.approvers)

    @classmethod
    def from_json(cls, obj) -> "ApprovalSettings":
        j = _j(obj)
        model = j.raw("model")
        if isinstance(model, Mapping):
            j = _J(model)
        elif isinstance(j.raw("data"), Mapping):
            j = _J(j.raw("data"))
        rat = j.raw("requireApprovalType")
        if isinstance(rat, Mapping):  # {"dirty":..,"value":..} echo
            rat = _J(rat).raw("value")
        approvers = j.raw("approvers", default=[])
        if isinstance(approvers, Mapping):
            approvers = _J(approvers).raw("value", default=[])
        return cls("None" if rat is None else str(rat),
                   tuple(Approver.from_json(a) for a in approvers if isinstance(a, (Mapping, int))))


@dataclass(frozen=True)
class Deleted:
    """§8 DeletedModel ``{id, objectType, responseCodes}`` (a bare ``true`` is accepted too)."""

    id: int | None
    object_type: str = ""
    response_codes: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, obj) -> "Deleted":
        if obj is True:
            return cls(None)
        j = _j(obj)
        return cls(j.int("id"), j.str("objectType"), tuple(str(c) for c in j.list("responseCodes")))
