"""Generated users and groups on top of a seed, for benchmarks and load tests.

    EmulatorServer(seed="demo", generate={"users": 10_000, "groups": 500})
    python -m secretserver_emulator --seed demo --users 10000 --groups 500

User *i* (1-based) is `user00001`-style (`generated_user_name(i)`), display name
`Generated User 00001`, email `user00001@example.test`, password
`GENERATED_PASSWORD`, role `User` when the seed has it, enabled, local. Group
*j* is `group0001`-style (`generated_group_name(j)`); user *i* is a member of
group `((i - 1) % groups) + 1`, so 10,000 users over 500 groups gives 20
members each. Ids continue after the seed's highest user and group ids; each
generated user gets its personal group, like every Secret Server user.

Deterministic (same names and ids on every reset) and fast: records are built
directly, indexes updated in one pass (about 0.1 s for 10,000 users).
"""
from __future__ import annotations

from .http import iso

GENERATED_PASSWORD = "Generated-Passw0rd!"
USER_WIDTH, GROUP_WIDTH = 5, 4


def generated_user_name(index: int) -> str:
    return f"user{index:0{USER_WIDTH}d}"


def generated_group_name(index: int) -> str:
    return f"group{index:0{GROUP_WIDTH}d}"


def populate(state, users: int = 0, groups: int = 0) -> dict:
    """Add `users` users and `groups` groups to `state` (under its lock). Returns the id ranges made."""
    users, groups = int(users or 0), int(groups or 0)
    if users < 0 or groups < 0:
        raise ValueError("users and groups must be >= 0")
    with state.lock:
        created = iso(state.now())
        next_group = max(state.groups, default=0) + 1
        group_ids = list(range(next_group, next_group + groups))
        for j, gid in enumerate(group_ids, start=1):
            state.add_group({"id": gid, "name": generated_group_name(j), "memberIds": [], "enabled": True,
                             "everyone": False, "personalUserId": None, "domainId": -1, "created": created})
        first_user = max(state.users, default=0) + 1
        first_personal = next_group + groups
        roles = ["User"] if "User" in state.roles else []
        for i in range(1, users + 1):
            name = generated_user_name(i)
            record = {"id": first_user + i - 1, "userName": name, "displayName": f"Generated User {i:0{USER_WIDTH}d}",
                      "emailAddress": f"{name}@example.test", "password": GENERATED_PASSWORD, "enabled": True,
                      "isLockedOut": False, "passwordExpired": False, "isApplicationAccount": False,
                      "roles": list(roles), "loginFailures": 0, "lastLogin": None, "created": created,
                      "passwordLastChanged": created, "domainId": -1}
            state.add_user(record, first_personal + i - 1)
            if group_ids:
                state.add_member(state.groups[group_ids[(i - 1) % groups]], record["id"])
        return {"userIds": (first_user, first_user + users - 1) if users else None,
                "groupIds": (group_ids[0], group_ids[-1]) if group_ids else None}
