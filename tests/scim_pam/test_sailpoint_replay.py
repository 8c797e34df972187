"""SailPoint's PAM sequence (sailpoint_pam.yaml), replayed with the replays helper's engine
(tests/scim_replays/replay.py) and checked step by step against Secret Server's own API.

The probe reads Secret Server as the application account: the folders SCIM creates are the application
account's (Secret Server makes the creator of a root folder its Owner), and Secret Server's ``admin`` has no
permission on them, exactly as on a real server. The probe adds folder and secret checks to the engine's
user and group checks (a subclass: the engine is reused, not copied).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.scim_replays.conftest import APP_PASSWORD, APP_USER, configured_connector, scim_send  # noqa: F401
from tests.scim_replays.replay import SecretServerProbe, load, replay

HERE = Path(__file__).parent
MAPPINGS = [{"type": "Container", "value": "admin", "role": "Owner"},
            {"type": "Container", "value": "viewer", "role": "View"},
            {"type": "PrivilegedData", "value": "admin", "role": "Owner"}]


class PamProbe(SecretServerProbe):
    """``folder`` (+ ``parent``), ``folder_permission`` (+ ``user``, ``folder_role``, ``secret_role``),
    ``folder_permission_absent`` (+ ``user``), ``secret`` (+ ``folder``), ``secret_permission`` (+ ``user``,
    ``role``) and ``secret_permission_absent`` (+ ``user``) checks, by name."""

    def folder_named(self, name: str) -> list[dict]:
        found = self._all("/api/v1/folders", **{"filter.searchText": name})
        return [f for f in found if str(f.get("folderName", "")).casefold() == name.casefold()]

    def _own_row(self, folder_name: str, user: str):
        folders = self.folder_named(folder_name)
        if len(folders) != 1:
            return None, f"{len(folders)} folders named {folder_name!r}"
        rows = self._all("/api/v1/folder-permissions", **{"filter.folderId": folders[0]["id"]})
        return next((r for r in rows if str(r.get("userName", "")).casefold() == user.casefold()), None), None

    def check(self, check: dict) -> list[str]:
        where = f"Secret Server {check}"
        if "folder_permission" in check or "folder_permission_absent" in check:
            absent = "folder_permission_absent" in check
            row, problem = self._own_row(check.get("folder_permission") or check["folder_permission_absent"],
                                         check["user"])
            if problem:
                return [f"{where}: {problem}"]
            if absent:
                return [f"{where}: still {row}"] if row else []
            if row is None:
                return [f"{where}: no permission for {check['user']}"]
            return [f"{where}: {key} is {row.get(name)!r}" for key, name in
                    (("folder_role", "folderAccessRoleName"), ("secret_role", "secretAccessRoleName"))
                    if key in check and row.get(name) != check[key]]
        if "secret_permission" in check or "secret_permission_absent" in check:
            name = check.get("secret_permission") or check["secret_permission_absent"]
            found = [s for s in self._all("/api/v1/secrets", **{"filter.searchText": name,
                                                                "filter.includeRestricted": "true"})
                     if s.get("name") == name]
            if len(found) != 1:
                return [f"{where}: {len(found)} secrets named {name!r}"]
            rows = self._all("/api/v1/secret-permissions", **{"filter.secretId": found[0]["id"]})
            row = next((r for r in rows if str(r.get("userName", "")).casefold() == check["user"].casefold()), None)
            if "secret_permission_absent" in check:
                return [f"{where}: still {row}"] if row else []
            if row is None or row.get("secretAccessRoleName") != check["role"]:
                return [f"{where}: row is {row}"]
            return []
        if "secret" in check:
            found = [s for s in self._all("/api/v1/secrets", **{"filter.searchText": check["secret"],
                                                                "filter.includeRestricted": "true"})
                     if s.get("name") == check["secret"]]
            if len(found) != 1:
                return [f"{where}: {len(found)} secrets named {check['secret']!r}"]
            folder = self.folder_named(check["folder"]) if "folder" in check else None
            if folder is not None and (len(folder) != 1 or found[0].get("folderId") != folder[0]["id"]):
                return [f"{where}: in folder {found[0].get('folderId')}"]
            return []
        if "folder" in check:
            folders = self.folder_named(check["folder"])
            if len(folders) != 1:
                return [f"{where}: {len(folders)} folders named {check['folder']!r}"]
            if "parent" in check:
                parent_id = folders[0].get("parentFolderId")
                if check["parent"] is None:
                    return [] if parent_id in (-1, None) else [f"{where}: parent is {parent_id}"]
                parents = self.folder_named(check["parent"])
                if len(parents) != 1 or parents[0]["id"] != parent_id:
                    return [f"{where}: parent is {parent_id}"]
            return []
        return super().check(check)


@pytest.fixture
def pam_token(ss, configured_connector):  # noqa: F811
    from connector.services.endpoints import endpoint_create

    return endpoint_create(name="SailPoint PAM", url=ss.url, username=APP_USER, password=APP_PASSWORD,
                           permission_mappings=MAPPINGS).token.value


def test_sailpoint_pam_sequence(ss, scim_send, pam_token):  # noqa: F811
    result = replay(load(HERE / "sailpoint_pam.yaml"), scim_send, pam_token, PamProbe(ss.url, APP_USER, APP_PASSWORD))
    assert result.ok, "\n" + result.report()
    assert result.steps >= 20
