"""Posting a PAM permission (ContainerPermissions, PrivilegedDataPermissions) the way a SCIM client does."""
from __future__ import annotations


def post_grant(scim, resource: str, schema: str, target_attribute: str, target_id, rights, *, user=None,
               group=None):
    """POST /v2/{resource} granting ``rights`` on ``target_id`` to a user and/or a group (either may be left
    out, to test the refusal)."""
    body = {"schemas": [schema], target_attribute: {"value": str(target_id)}, "rights": rights}
    if user is not None:
        body["user"] = {"value": str(user)}
    if group is not None:
        body["group"] = {"value": str(group)}
    return scim.post(f"/v2/{resource}", body)
