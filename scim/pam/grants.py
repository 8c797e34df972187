"""What the two PAM permission stores share: ContainerPermissions (folder permissions, scim.pam.permissions)
and PrivilegedDataPermissions (secret permissions, scim.pam.data_permissions).

Both are "a principal (exactly one user or group) holds rights on a target (a folder, a secret)"; they
differ only in the target attribute (``container`` / ``privilegedData``), its resource type and the Secret
Server calls. One implementation here keeps their payloads, write parsing, uniqueness and immutability rules
identical, so a fix to one cannot miss the other.
"""
from __future__ import annotations

from scim2_models import (
    Context,
    ForbiddenException,
    InvalidValueException,
    MutabilityException,
    NotFoundException,
)

from scim.errors import MSG_ATTRIBUTE_IMMUTABLE, MSG_RESOURCE_NOT_FOUND
from scim.mapping import weak_etag
from scim.pam.common import MSG_PRINCIPAL_UNKNOWN, MSG_UNMAPPED_RIGHT, messages_note, reference_id
from scim.services.context import refuse, secret_server


def grant_to_scim(row, *, schema: str, resource_type: str, target_attribute: str, target_resource: str,
                  target_id: int, target_name: str, rights: list[str], extra=None, base_url: str = "") -> dict:
    """The SCIM payload of a permission row (pure): ``target_attribute`` (e.g. ``container``) references
    ``target_resource/target_id`` (e.g. ``Containers/12``), then the user or group, the rights and meta."""
    def ref(kind, ss_id):
        return f"{base_url}/{kind}/{ss_id}".lstrip("/")
    payload = {"schemas": [schema], "id": str(row.id),
               target_attribute: {"value": str(target_id), "$ref": ref(target_resource, target_id),
                                  "display": target_name, "name": target_name}}
    if extra is not None and extra.external_id:
        payload["externalId"] = extra.external_id
    if row.user_id is not None:
        payload["user"] = {"value": str(row.user_id), "$ref": ref("Users", row.user_id),
                           "display": row.user_name or row.known_as or str(row.user_id)}
    elif row.group_id is not None:
        payload["group"] = {"value": str(row.group_id), "$ref": ref("Groups", row.group_id),
                            "display": row.group_name or row.known_as or str(row.group_id)}
    payload["rights"] = rights
    meta = {"resourceType": resource_type, "version": weak_etag(payload)}
    if extra is not None:
        meta["created"] = extra.created.isoformat().replace("+00:00", "Z")
        meta["lastModified"] = extra.last_modified.isoformat().replace("+00:00", "Z")
    payload["meta"] = meta
    return payload


def remembered_rights(extra) -> list | None:
    """The rights the client last sent for this permission (kept in the local extras), if any."""
    return (extra.data or {}).get("rights") if extra is not None else None


class GrantWrite:
    """A POST/PUT body of a permission resource, parsed: target id, user id, group id, rights, externalId.

    A reference that is not an integer id is refused (400 ``invalidValue``) before Secret Server is asked.
    """

    def __init__(self, resource, target_attribute: str):
        payload = resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
        self.target_attribute = target_attribute
        try:
            self.target_id = reference_id(payload, target_attribute)
            self.user_id = reference_id(payload, "user")
            self.group_id = reference_id(payload, "group")
        except ValueError as exc:
            raise refuse(InvalidValueException(detail=MSG_PRINCIPAL_UNKNOWN.format(exc.args[0]))) from None
        self.rights = [str(r).strip() for r in payload.get("rights") or [] if str(r or "").strip()]
        self.external_id = str(payload.get("externalId") or "")

    @property
    def has_one_principal(self) -> bool:
        return (self.user_id is None) != (self.group_id is None)

    @property
    def principal(self) -> str:
        """``user 7`` or ``group 3``: how audit rows and messages name the principal."""
        return f"user {self.user_id}" if self.user_id is not None else f"group {self.group_id}"

    def already_granted(self, rows) -> bool:
        """Whether one of the target's own permission rows is already this principal's (a group's row is one
        without a user)."""
        return any((self.user_id is not None and r.user_id == self.user_id) or
                   (self.group_id is not None and r.group_id == self.group_id and r.user_id is None)
                   for r in rows)

    def refuse_reference_changes(self, current, current_target_id: int) -> None:
        """The target and the principal are immutable once set: a PUT naming others is refused (400
        ``mutability``); leaving them out keeps them."""
        current_group = None if current.user_id is not None else current.group_id
        for name, was, now in ((self.target_attribute, current_target_id, self.target_id),
                               ("user", current.user_id, self.user_id),
                               ("group", current_group, self.group_id)):
            if now is not None and now != was:
                raise refuse(MutabilityException(detail=MSG_ATTRIBUTE_IMMUTABLE.format(name)))


def resource_not_found(resource_id) -> NotFoundException:
    return NotFoundException(detail=MSG_RESOURCE_NOT_FOUND.format(resource_id))


def fetch_grant(ctx, resource_id, fetch):
    """The permission row ``fetch(int_id)`` returns; 404 for a non-numeric id or one Secret Server does not
    show this account (not found and forbidden look the same, as for an absent resource)."""
    if not str(resource_id).isdigit():
        raise resource_not_found(resource_id)
    try:
        with secret_server(ctx, str(resource_id)):
            return fetch(int(resource_id))
    except (NotFoundException, ForbiddenException):
        raise resource_not_found(resource_id) from None


def note_unmapped_rights(ctx, unmapped, role: str = "View") -> None:
    """One line on Messages per right value no mapping names (the product's message)."""
    for value in unmapped:
        messages_note(ctx, MSG_UNMAPPED_RIGHT.format(value, role))
