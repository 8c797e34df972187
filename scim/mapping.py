"""Pure mappings between Secret Server users/groups and SCIM resources (no I/O, unit-tested).

Users:  ``userName`` ↔ user name, ``displayName`` ↔ display name, the primary (else work, else first)
email ↔ email address, ``active`` ↔ enabled, ``password`` (write-only) ↔ the password. Everything else
the identity provider sends (externalId, name parts, further emails, phone numbers, the enterprise
extension, ...) is "extra" data the connector keeps per endpoint (``ScimResourceExtra``).
Groups: ``displayName`` ↔ group name, ``members`` ↔ the group's users; ``externalId`` is extra.

Secret Server wins where both hold a value: a display name or email changed in Secret Server shows up
as is, however the extra data remembers it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

# Attributes Secret Server holds (or the server computes): never part of the extra data.
USER_MAPPED = frozenset({"schemas", "id", "meta", "userName", "displayName", "active", "password", "groups"})
GROUP_MAPPED = frozenset({"schemas", "id", "meta", "displayName", "members"})
# Bookkeeping keys inside the extra data (never SCIM attributes: they start with "_").
UNSET = "_unset"  # mapped attributes the client removed: Secret Server keeps a value, SCIM shows none
MEMBER_DISPLAY = "_memberDisplay"  # {user id: the display the client gave the member}
UNSETTABLE = ("displayName", "active")


def _extra_attributes(extra: dict, mapped: frozenset) -> dict:
    return {k: v for k, v in extra.items() if k not in mapped and not k.startswith("_")}
LOCAL_DOMAIN_IDS = (None, -1, 0)


def is_directory_object(domain_id: int | None) -> bool:
    """Synchronised from a directory (Active Directory domain): listed, but never written through SCIM."""
    return domain_id not in LOCAL_DOMAIN_IDS


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def weak_etag(payload: dict) -> str:
    """A weak ETag over everything a client sees of the resource (its meta excluded)."""
    body = {k: v for k, v in payload.items() if k != "meta"}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                       default=str).encode()).hexdigest()[:20]
    return f'W/"{digest}"'


def _meta(resource_type: str, payload: dict, created: datetime | None, last_modified: datetime | None) -> dict:
    meta = {"resourceType": resource_type, "version": weak_etag(payload)}
    if created or last_modified:
        meta["created"] = _iso(created or last_modified)
        meta["lastModified"] = _iso(max(d for d in (created, last_modified) if d))
    return meta


def _email_slot(emails: list) -> int | None:
    """Which of the SCIM emails Secret Server's single email address stands for."""
    if not emails:
        return None
    for test in (lambda e: e.get("primary") is True, lambda e: str(e.get("type") or "").lower() == "work"):
        for index, email in enumerate(emails):
            if isinstance(email, dict) and test(email):
                return index
    return 0


def user_to_scim(user, extra: dict | None = None, *, created: datetime | None = None,
                 last_modified: datetime | None = None) -> dict:
    """The SCIM User (JSON) for a Secret Server user (``User`` or ``UserSummary``) plus its extra data."""
    extra = dict(extra or {})
    emails = [dict(e) for e in extra.pop("emails", None) or [] if isinstance(e, dict)]
    slot = _email_slot(emails)
    ss_email = (user.email_address or "").strip()
    if slot is not None:
        if ss_email:
            emails[slot]["value"] = ss_email
        else:
            emails.pop(slot)
    elif ss_email:
        emails = [{"value": ss_email, "type": "work", "primary": True}]
    payload = {"schemas": [USER_SCHEMA], "id": str(user.id), **_extra_attributes(extra, USER_MAPPED),
               "userName": user.user_name, "displayName": user.display_name or user.user_name,
               "active": bool(user.enabled)}
    for name in extra.get(UNSET) or ():
        if name in UNSETTABLE:
            payload.pop(name, None)
    if emails:
        payload["emails"] = emails
    if ENTERPRISE_SCHEMA in payload:
        payload["schemas"] = [USER_SCHEMA, ENTERPRISE_SCHEMA]
    payload["meta"] = _meta("User", payload, getattr(user, "created", None) or created, last_modified)
    return payload


@dataclass(frozen=True)
class UserWrite:
    """What a SCIM User asks of Secret Server, and the extra data the connector keeps."""

    user_name: str
    display_name: str
    email_address: str
    enabled: bool | None  # None: the client sent no ``active`` (Secret Server keeps its value)
    password: str | None
    extra: dict
    external_id: str = ""

    def __repr__(self) -> str:  # never show the password
        return (f"UserWrite(user_name={self.user_name!r}, display_name={self.display_name!r}, "
                f"email_address={self.email_address!r}, enabled={self.enabled!r}, "
                f"password={'***' if self.password else None})")


def derived_display_name(payload: dict) -> str:
    """Secret Server requires a display name: displayName, else name.formatted, else given + family, else userName."""
    if str(payload.get("displayName") or "").strip():
        return str(payload["displayName"]).strip()
    name = payload.get("name") or {}
    if str(name.get("formatted") or "").strip():
        return str(name["formatted"]).strip()
    parts = [str(name.get(k) or "").strip() for k in ("givenName", "familyName")]
    return " ".join(p for p in parts if p) or str(payload.get("userName") or "")


def user_from_scim(payload: dict, password: str | None = None) -> UserWrite:
    """Split a SCIM User (JSON, as the model dumps it, password excluded) into Secret Server fields and extras."""
    emails = [e for e in payload.get("emails") or [] if isinstance(e, dict)]
    slot = _email_slot(emails)
    email = str(emails[slot].get("value") or "").strip() if slot is not None else ""
    extra = {k: v for k, v in payload.items() if k not in USER_MAPPED and v not in (None, [], {})}
    unset = [name for name in UNSETTABLE if payload.get(name) in (None, "")]
    if unset:
        extra[UNSET] = unset
    active = payload.get("active")
    return UserWrite(user_name=str(payload.get("userName") or "").strip(), display_name=derived_display_name(payload),
                     email_address=email, enabled=None if active is None else bool(active), password=password or None,
                     extra=extra, external_id=str(payload.get("externalId") or ""))


def member_to_scim(user, display: str | None = None) -> dict:
    return {"value": str(user.id), "$ref": f"Users/{user.id}", "type": "User",
            "display": display or user.display_name or user.user_name}


def group_to_scim(group, members: list | None, extra: dict | None = None, *, created: datetime | None = None,
                  last_modified: datetime | None = None) -> dict:
    """The SCIM Group for a Secret Server group; ``members`` are user-like objects, or None when not loaded."""
    extra = dict(extra or {})
    displays = extra.get(MEMBER_DISPLAY) or {}
    payload = {"schemas": [GROUP_SCHEMA], "id": str(group.id), **_extra_attributes(extra, GROUP_MAPPED),
               "displayName": group.name}
    if members:
        payload["members"] = [member_to_scim(m, displays.get(str(m.id)))
                              for m in sorted(members, key=lambda m: m.id)]
    payload["meta"] = _meta("Group", payload, getattr(group, "created", None) or created, last_modified)
    return payload


@dataclass(frozen=True)
class GroupWrite:
    name: str
    member_ids: tuple[int, ...]
    extra: dict
    external_id: str = ""


class BadMemberValue(ValueError):
    """A member ``value`` that cannot be a Secret Server user id."""


def group_from_scim(payload: dict) -> GroupWrite:
    """Secret Server name and member user ids, plus extras, from a SCIM Group (JSON)."""
    ids, displays = [], {}
    for member in payload.get("members") or []:
        value = str((member or {}).get("value") or "").strip()
        if not value.isdigit():
            raise BadMemberValue(value)
        ids.append(int(value))
        if (member or {}).get("display"):
            displays[str(int(value))] = str(member["display"])[:255]
    extra = {k: v for k, v in payload.items() if k not in GROUP_MAPPED and v not in (None, [], {})}
    if displays:
        extra[MEMBER_DISPLAY] = displays
    return GroupWrite(name=str(payload.get("displayName") or "").strip(), member_ids=tuple(dict.fromkeys(ids)),
                      extra=extra, external_id=str(payload.get("externalId") or ""))
