"""Permission rows name a user or a group; both are stored as a group id."""
from __future__ import annotations

from ..http import as_int


def resolve_principal(state, data, errors: dict):
    """userId / groupId / userName / groupName -> group (a user's personal group), or record an error."""
    user_id, group_id = as_int(data.get("userId")), as_int(data.get("groupId"))
    if user_id is None and data.get("userName"):
        user = state.user_by_name(data["userName"])
        user_id = user["id"] if user else -1
    if group_id is None and data.get("groupName"):
        group = state.group_by_name(data["groupName"])
        group_id = group["id"] if group else -1
    if user_id is not None:
        user = state.users.get(user_id)
        if not user:
            errors["userId"] = "User not found."
            return None
        return state.groups[user["personalGroupId"]]
    if group_id is not None:
        group = state.groups.get(group_id)
        if not group:
            errors["groupId"] = "Group not found."
        return group
    errors["userId"] = "Either UserId or GroupId is required."
    return None


def principal_fields(state, group_id) -> dict:
    """userId/userName filled for personal groups; groupId/groupName always; knownAs = display name."""
    group = state.groups.get(group_id) or {"name": None}
    user = state.users.get(group.get("personalUserId")) if group.get("personalUserId") else None
    return {"userId": user["id"] if user else None, "userName": user["userName"] if user else None,
            "groupId": group_id, "groupName": group["name"],
            "knownAs": user["displayName"] if user else group["name"], "domainName": None}
