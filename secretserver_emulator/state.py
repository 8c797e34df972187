"""The emulator's whole world: users, groups, folders, secrets, requests, tokens, clock.

Everything is plain JSON-able dicts keyed by int id, so persisting to a state
file is `json.dump(state.to_dict())`. One re-entrant lock guards it all: the
app holds `state.lock` for the duration of each API call.

Passwords are stored in plain text (this is a fake) and are never logged.

Lookups that handlers make per request (user by name, group by name, a user's
groups) go through in-memory indexes rebuilt on reset/load and kept current by
the mutators below (`add_user`, `add_group`, `rename_group`, `delete_group`,
`add_member`, `remove_member`), so a 10,000-user seed costs no linear scan per
call. Indexes are never persisted; the tables are the truth.
"""
from __future__ import annotations

import copy
import json
import os
import secrets as _secrets
import tempfile
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .http import from_iso, iso

SEED_DIR = Path(__file__).parent / "seed"

DEFAULT_SETTINGS = {
    "tokenLifetimeSeconds": 1199,   # "Session Timeout for Webservices" 20 min -> 1199 s
    "maxTokenRefreshes": 3,
    "refreshExtraSeconds": 900,     # refresh token lives API timeout + 15 min
    "version": "11.7.000061",
}

# Tables persisted as {id: record}. Keys become strings in JSON; `from_dict` restores ints.
TABLES = ("users", "groups", "folders", "folderPermissions", "secrets", "secretPermissions",
          "templates", "accessRequests", "domains")
LOCAL_DOMAIN = -1  # local (non-directory) users and groups carry domainId -1


def load_seed(seed) -> dict:
    """`seed` is a name under seed/ ("demo"), a path to a JSON file, or an already-parsed dict."""
    if isinstance(seed, dict):
        return copy.deepcopy(seed)
    path = Path(seed)
    if not path.suffix and not path.exists():
        path = SEED_DIR / f"{seed}.json"
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class State:
    """Live emulator state. Tests may read it (under `lock`) via the helper finders below."""

    def __init__(self, seed="demo", state_file: str | os.PathLike | None = None, generate: dict | None = None):
        """`generate={"users": N, "groups": M}` adds N generated users and M groups to the seed
        (see `population.py`); it survives `reset()` and is recorded in the seed."""
        self.lock = threading.RLock()
        self.seed = load_seed(seed)
        if generate:
            self.seed["generate"] = {**self.seed.get("generate", {}), **generate}
        self.state_file = Path(state_file) if state_file else None
        if self.state_file and self.state_file.exists():
            self.from_dict(json.loads(self.state_file.read_text(encoding="utf-8")))
        else:
            self.reset()

    # ---- lifecycle -------------------------------------------------------
    def reset(self):
        """Back to the seed: data, clock, tokens, sessions."""
        with self.lock:
            seed = copy.deepcopy(self.seed)
            self.settings = {**DEFAULT_SETTINGS, **seed.get("settings", {})}
            self.roles = seed.get("roles", {})
            # Role ids follow the seed's order unless the seed names them (UNCONFIRMED: real ids).
            self.role_ids = {name: seed.get("roleIds", {}).get(name, n) for n, name in enumerate(self.roles, start=1)}
            self.clock_offset = 0.0
            self.tokens: dict[str, dict] = {}
            self.refresh_tokens: dict[str, dict] = {}
            self.sessions: dict[str, dict] = {}
            self.next_id: dict[str, int] = {}
            for table in TABLES:
                setattr(self, table, {})
            self._clear_indexes()
            created = iso(self.now())
            for domain in seed.get("domains", []):
                self.domains[domain["id"]] = domain
            for group in seed.get("groups", []):
                self.add_group({"memberIds": [], "enabled": True, "everyone": False, "personalUserId": None,
                                "domainId": LOCAL_DOMAIN, "created": created, **group})
            for user in seed.get("users", []):
                self._seed_user(user, created)
            if seed.get("generate"):
                from .population import populate
                populate(self, **seed["generate"])
            for template in seed.get("templates", []):
                self.templates[template["id"]] = template
            for table in ("folders", "folderPermissions", "secrets", "secretPermissions"):
                for row in seed.get(table, []):
                    getattr(self, table)[row["id"]] = row
            self.save()

    def _seed_user(self, user: dict, created: str):
        groups = user.get("groups", [])
        record = {"emailAddress": "", "enabled": True, "isLockedOut": False, "passwordExpired": False,
                  "isApplicationAccount": False, "roles": [], "loginFailures": 0, "lastLogin": None,
                  "created": created, "passwordLastChanged": created, "domainId": LOCAL_DOMAIN,
                  **{k: v for k, v in user.items() if k != "groups"}}
        self.add_user(record, record["personalGroupId"])
        for group_name in groups:
            self.add_member(self.group_by_name(group_name, record["domainId"]) or self.group_by_name(group_name),
                            record["id"])

    # ---- mutators that keep the indexes current ----------------------------
    def _clear_indexes(self):
        self._users_by_name: dict[tuple[int, str], int] = {}
        self._groups_by_name: dict[tuple[int, str], int] = {}
        self._groups_of_user: dict[int, set[int]] = {}
        self._everyone_ids: set[int] = set()
        self._haystacks: dict[int, str] = {}
        self._name_rank: dict[int, int] | None = None

    def reindex(self):
        """Rebuild every index from the tables (after a load, or after tests edited rows directly)."""
        with self.lock:
            self._clear_indexes()
            for user in self.users.values():
                self._users_by_name[(user.get("domainId", LOCAL_DOMAIN), user["userName"].lower())] = user["id"]
            for group in self.groups.values():
                self._index_group(group)

    def _index_group(self, group: dict):
        if group.get("everyone"):
            self._everyone_ids.add(group["id"])
        if not group.get("personalUserId"):
            self._groups_by_name[(group.get("domainId", LOCAL_DOMAIN), group["name"].lower())] = group["id"]
        for uid in group.get("memberIds", []):
            self._groups_of_user.setdefault(uid, set()).add(group["id"])

    def add_user(self, record: dict, personal_group_id: int) -> dict:
        """Store a user and its one-member personal group (named after the user, as Secret Server does)."""
        record["personalGroupId"] = personal_group_id
        self.users[record["id"]] = record
        self._name_rank = None
        self._users_by_name[(record.get("domainId", LOCAL_DOMAIN), record["userName"].lower())] = record["id"]
        self.add_group({"id": personal_group_id, "name": record["userName"], "memberIds": [record["id"]],
                        "enabled": True, "everyone": False, "personalUserId": record["id"],
                        "domainId": record.get("domainId", LOCAL_DOMAIN), "created": record["created"]})
        return record

    def user_haystack(self, user: dict) -> str:
        """User name, display name and email, lower-cased, cached: what `filter.searchText` scans.
        Handlers that change those fields call `forget_haystack`."""
        hay = self._haystacks.get(user["id"])
        if hay is None:
            hay = "\x00".join((user["userName"], user.get("displayName") or "",
                               user.get("emailAddress") or "")).lower()
            self._haystacks[user["id"]] = hay
        return hay

    def user_name_rank(self, user_id: int) -> int:
        """Position of the user in case-insensitive user-name order (then id), cached until a user is added."""
        if self._name_rank is None:
            ordered = sorted(self.users.values(), key=lambda u: (u["userName"].lower(), u["id"]))
            self._name_rank = {u["id"]: n for n, u in enumerate(ordered)}
        return self._name_rank[user_id]

    def forget_haystack(self, user_id: int):
        self._haystacks.pop(user_id, None)

    def add_group(self, group: dict) -> dict:
        self.groups[group["id"]] = group
        self._index_group(group)
        return group

    def rename_group(self, group: dict, name: str):
        key = (group.get("domainId", LOCAL_DOMAIN), group["name"].lower())
        if self._groups_by_name.get(key) == group["id"]:
            del self._groups_by_name[key]
        group["name"] = name
        self._groups_by_name[(group.get("domainId", LOCAL_DOMAIN), name.lower())] = group["id"]

    def delete_group(self, group: dict):
        key = (group.get("domainId", LOCAL_DOMAIN), group["name"].lower())
        if self._groups_by_name.get(key) == group["id"]:
            del self._groups_by_name[key]
        for uid in group.get("memberIds", []):
            self._groups_of_user.get(uid, set()).discard(group["id"])
        del self.groups[group["id"]]

    def is_member(self, group: dict, user_id: int) -> bool:
        if group.get("everyone"):
            return user_id in self.users
        return group["id"] in self._groups_of_user.get(user_id, ())

    def add_member(self, group: dict, user_id: int) -> bool:
        """False when the user already was a member."""
        if self.is_member(group, user_id):
            return False
        group.setdefault("memberIds", []).append(user_id)
        self._groups_of_user.setdefault(user_id, set()).add(group["id"])
        return True

    def remove_member(self, group: dict, user_id: int) -> bool:
        """False when the user was not a member."""
        if group.get("everyone") or not self.is_member(group, user_id):
            return False
        group["memberIds"].remove(user_id)
        self._groups_of_user[user_id].discard(group["id"])
        return True

    def to_dict(self) -> dict:
        with self.lock:
            data = {t: list(getattr(self, t).values()) for t in TABLES}
            data.update(settings=self.settings, roles=self.roles, roleIds=self.role_ids, clockOffset=self.clock_offset,
                        tokens=self.tokens, refreshTokens=self.refresh_tokens, sessions=self.sessions,
                        nextId=self.next_id)
            return copy.deepcopy(data)

    def from_dict(self, data: dict):
        with self.lock:
            for table in TABLES:
                setattr(self, table, {row["id"]: row for row in data.get(table, [])})
            self.reindex()
            self.settings = data["settings"]
            self.roles = data["roles"]
            self.role_ids = data.get("roleIds") or {name: n for n, name in enumerate(self.roles, start=1)}
            self.clock_offset = data.get("clockOffset", 0.0)
            self.tokens = data.get("tokens", {})
            self.refresh_tokens = data.get("refreshTokens", {})
            self.sessions = data.get("sessions", {})
            self.next_id = data.get("nextId", {})

    def save(self):
        """Persist atomically (temp file + rename) when a state file is configured."""
        if not self.state_file:
            return
        with self.lock:
            payload = json.dumps(self.to_dict(), indent=1)
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.state_file.parent, prefix=".ssemu-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
            os.replace(tmp, self.state_file)

    # ---- clock and ids ---------------------------------------------------
    def now(self) -> datetime:
        """The emulator's clock: real UTC time moved by `advance_clock`."""
        return utcnow() + timedelta(seconds=self.clock_offset)

    def advance_clock(self, seconds: float):
        with self.lock:
            self.clock_offset += float(seconds)

    def new_id(self, table: str) -> int:
        """Ids start after the seed's highest id (folders/secrets look like real small ints)."""
        with self.lock:
            current = self.next_id.get(table)
            if current is None:
                rows = getattr(self, table, {})
                current = max([int(k) for k in rows] + [self.seed.get("firstIds", {}).get(table, 0)])
            self.next_id[table] = current + 1
            return current + 1

    @staticmethod
    def new_token() -> str:
        return _secrets.token_urlsafe(32)

    # ---- finders (also used by tests) ------------------------------------
    def user_by_name(self, user_name: str, domain_id: int | None = None) -> dict | None:
        """Case-insensitive. Without `domain_id`: the local user first, then a directory user of that name."""
        return self._by_name(self.users, self._users_by_name, "userName", user_name, domain_id)

    def group_by_name(self, name: str, domain_id: int | None = None) -> dict | None:
        """A non-personal group by case-insensitive name (local first unless `domain_id` is given)."""
        return self._by_name(self.groups, self._groups_by_name, "name", name, domain_id)

    def _by_name(self, table: dict, index: dict, name_key: str, name: str, domain_id: int | None) -> dict | None:
        """A record through its (domain, lower-cased name) index: in `domain_id`, else local first, then the
        directory domains in id order; the record's own name is re-checked against a stale index entry."""
        wanted = (name or "").lower()
        domains = [domain_id] if domain_id is not None else [LOCAL_DOMAIN, *sorted(self.domains)]
        for domain in domains:
            record = table.get(index.get((domain, wanted)))
            if record is not None and record[name_key].lower() == wanted:
                return record
        return None

    def folder_by_name(self, name: str) -> dict | None:
        return next((f for f in self.folders.values() if f["folderName"] == name), None)

    def secret_by_name(self, name: str) -> dict | None:
        return next((s for s in self.secrets.values() if s["name"] == name), None)

    def secret_items(self, secret_id: int) -> dict:
        """{slug: value} of a secret, for tests."""
        return {i["slug"]: i["itemValue"] for i in self.secrets[secret_id]["items"]}

    def access_requests_list(self) -> list[dict]:
        return sorted(self.accessRequests.values(), key=lambda r: r["id"])

    def everyone_group(self) -> dict:
        return self.groups[min(self._everyone_ids)]

    def role_names(self, user: dict) -> list[str]:
        """Roles assigned to the user directly, then through its groups (in that order, no repeats)."""
        names = list(dict.fromkeys(user.get("roles", [])))
        for gid in sorted(self.group_ids_of(user)):
            for role in self.groups[gid].get("roles", []):
                if role not in names:
                    names.append(role)
        return names

    def role_permissions(self, user: dict) -> list[str]:
        names: list[str] = []
        for role in self.role_names(user):
            for perm in self.roles.get(role, []):
                if perm not in names:
                    names.append(perm)
        return names

    def has_role_permission(self, user: dict, *names: str) -> bool:
        perms = {p.lower() for p in self.role_permissions(user)}
        return any(n.lower() in perms for n in names)

    def group_ids_of(self, user: dict) -> set[int]:
        """Everyone + personal group + explicit memberships (enabled groups only)."""
        candidates = self._everyone_ids | self._groups_of_user.get(user["id"], set())
        return {gid for gid in candidates if gid in self.groups and self.groups[gid].get("enabled", True)}

    def group_member_ids(self, group: dict) -> list[int]:
        if group.get("everyone"):
            return sorted(self.users)
        return list(group.get("memberIds", []))

    def when(self, text) -> datetime | None:
        return from_iso(text)
