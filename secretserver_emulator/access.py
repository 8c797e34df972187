"""Who may do what: folder/secret roles, inheritance and the approval rule.

Permission rows always carry a `groupId` (a user's share is stored against
their personal group, as Secret Server does), so a user's effective role is
the best role among rows whose group the user belongs to.
"""
from __future__ import annotations

from .http import access_denied, approval_required, from_iso

# Ranks: higher includes lower. UNCONFIRMED: ids are invented, names are the doc's.
FOLDER_ROLES = {"View": (1, 2), "Add Secret": (2, 4), "Edit": (3, 3), "Owner": (4, 1)}
SECRET_ROLES = {"None": (0, 0), "List": (1, 4), "View": (2, 2), "Edit": (3, 3), "Owner": (4, 1)}
APPROVAL_TYPES = ("None", "RequireApproval", "RequireEditorsApproval", "RequireEveryoneApproval")


def canonical(name, table: dict) -> str | None:
    """Case/space-insensitive role name (`addsecret`, `Add Secret`) -> canonical spelling."""
    if name is None:
        return None
    squashed = str(name).replace(" ", "").lower()
    return next((k for k in table if k.replace(" ", "").lower() == squashed), None)


def rank(name, table) -> int:
    key = canonical(name, table)
    return table[key][0] if key else 0


def role_id(name, table):
    key = canonical(name, table)
    return table[key][1] if key else None


def name_for_rank(value: int, table) -> str | None:
    return next((k for k, v in table.items() if v[0] == value and value > 0), None)


# ---- folders ------------------------------------------------------------------

def is_root(folder) -> bool:
    return folder.get("parentFolderId") in (None, -1)


def permission_source(state, folder_id) -> dict | None:
    """The folder whose own rows decide access to `folder_id`: itself, or while it inherits, its
    nearest ancestor that does not (root folders always use their own rows)."""
    folder, seen = state.folders.get(folder_id), set()
    while folder and folder["id"] not in seen:
        seen.add(folder["id"])
        if not folder.get("inheritPermissions") or is_root(folder):
            return folder
        parent = state.folders.get(folder["parentFolderId"])
        if parent is None:
            return folder
        folder = parent
    return folder


def own_rows(state, folder_id) -> list[dict]:
    return [p for p in state.folderPermissions.values() if p["folderId"] == folder_id]


def folder_rows(state, folder_id) -> list[dict]:
    """The rows that apply to a folder. A folder that inherits has exactly its parent's permissions
    (Secret Server replaces rather than adds; to change them one breaks inheritance, which copies them)."""
    source = permission_source(state, folder_id)
    return own_rows(state, source["id"]) if source else []


def _best(rows, groups, key, table) -> int:
    return max([rank(r[key], table) for r in rows if r.get("groupId") in groups] + [0])


def folder_rank(state, user, folder_id) -> int:
    return _best(folder_rows(state, folder_id), state.group_ids_of(user), "folderAccessRoleName", FOLDER_ROLES)


def require_folder(state, user, folder_id, minimum: str) -> dict:
    """The folder, or 400 Access Denied (also for unknown ids: indistinguishable on purpose)."""
    folder = state.folders.get(folder_id)
    if not folder or folder_rank(state, user, folder_id) < FOLDER_ROLES[minimum][0]:
        raise access_denied()
    return folder


# ---- secrets ------------------------------------------------------------------

def secret_rank(state, user, secret) -> int:
    groups = state.group_ids_of(user)
    best = _best([p for p in state.secretPermissions.values() if p["secretId"] == secret["id"]],
                 groups, "secretAccessRoleName", SECRET_ROLES)
    if secret.get("enableInheritPermissions") and secret.get("folderId") not in (None, -1):
        best = max(best, _best(folder_rows(state, secret["folderId"]), groups,
                               "secretAccessRoleName", SECRET_ROLES))
    return best


def is_approver(state, user, secret) -> bool:
    return bool(set(secret.get("approvers", [])) & state.group_ids_of(user))


def needs_approval(state, user, secret, role_rank: int) -> bool:
    """RequireApproval: viewers; RequireEditorsApproval: editors+viewers; RequireEveryoneApproval: all.

    Owners and approvers bypass except under RequireEveryoneApproval.
    """
    kind = secret.get("requireApprovalType") or "None"
    if kind == "None":
        return False
    if kind == "RequireEveryoneApproval":
        return True
    if role_rank >= SECRET_ROLES["Owner"][0] or is_approver(state, user, secret):
        return False
    if kind == "RequireApproval":
        return role_rank < SECRET_ROLES["Edit"][0]
    return True  # RequireEditorsApproval


def active_approval(state, user, secret) -> dict | None:
    """The caller's approved request whose [startDate, expirationDate] window contains now."""
    now = state.now()
    for req in state.accessRequests.values():
        if (req["secretId"] == secret["id"] and req["requestingUserId"] == user["id"]
                and req["status"] == "Approved"
                and from_iso(req["startDate"]) <= now < from_iso(req["expirationDate"])):
            return req
    return None


def secret_for(state, user, secret_id, minimum="View", include_inactive=False, check_approval=True):
    """Load a secret the caller may use at `minimum`, or raise the doc's error bodies."""
    secret = state.secrets.get(secret_id)
    if not secret or (not secret.get("active", True) and not include_inactive):
        # UNCONFIRMED: unknown and inactive ids answer like a permission failure.
        raise access_denied()
    role_rank = secret_rank(state, user, secret)
    if role_rank < SECRET_ROLES[minimum][0]:
        raise access_denied()
    if (check_approval and needs_approval(state, user, secret, role_rank)
            and not active_approval(state, user, secret)):
        raise approval_required()
    return secret


def can_review(state, user, secret) -> bool:
    """Approvers (approver-group members) and owners may read and decide requests."""
    return is_approver(state, user, secret) or secret_rank(state, user, secret) >= SECRET_ROLES["Owner"][0]


def sweep_expired(state) -> bool:
    """Approved requests past expirationDate turn Expired (lazily, before each API call)."""
    changed = False
    now = state.now()
    for req in state.accessRequests.values():
        if req["status"] == "Approved" and req.get("expirationDate") and from_iso(req["expirationDate"]) <= now:
            req["status"] = "Expired"
            req.setdefault("history", []).append(
                {"action": "Expired", "dateRecorded": req["expirationDate"], "details": "Access window ended.",
                 "fullName": "System"})
            changed = True
    return changed
