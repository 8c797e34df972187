"""State file: written after each write, loaded at start; the CLI runs standalone."""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from secretserver_emulator import EmulatorServer

from .conftest import PASSWORDS, make_folder, Api

ROOT = Path(__file__).resolve().parents[2]


def test_state_survives_a_restart(tmp_path):
    state_file = tmp_path / "ss-state.json"
    with EmulatorServer(seed="demo", state_file=state_file) as first:
        app = Api(first.url, "scim-app")
        folder = make_folder(app)
        token = app.token
        saved = json.loads(state_file.read_text())
        assert [f["folderName"] for f in saved["folders"]] == ["SCIM host"]
    with EmulatorServer(seed="demo", state_file=state_file) as second:
        assert second.state.folder_by_name("SCIM host")["id"] == folder["id"]
        again = requests.get(f"{second.url}/api/v1/folders/{folder['id']}", timeout=5,
                             headers={"Authorization": f"Bearer {token}"})
        assert again.json()["folderName"] == "SCIM host"  # tokens survive too
        assert make_folder(Api(second.url, "scim-app"), "Second")["id"] == folder["id"] + 1


def test_seed_can_be_a_path(tmp_path):
    seed = json.loads((ROOT / "secretserver_emulator/seed/demo.json").read_text())
    seed["settings"]["tokenLifetimeSeconds"] = 60
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed))
    with EmulatorServer(seed=str(path)) as server:
        body = requests.post(f"{server.url}/oauth2/token", timeout=5, data={
            "grant_type": "password", "username": "alice", "password": PASSWORDS["alice"]}).json()
        assert body["expires_in"] == 60


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_serves_and_persists(tmp_path):
    port, state_file = _free_port(), tmp_path / "cli-state.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "secretserver_emulator", "--port", str(port), "--seed", "demo",
                             "--state-file", str(state_file)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                health = requests.get(f"http://127.0.0.1:{port}/api/v1/healthcheck", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        assert health.json()["Healthy"] is True
        make_folder(Api(f"http://127.0.0.1:{port}", "scim-app"), "From CLI")
        assert "From CLI" in state_file.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        proc.stdout.close()
        proc.stderr.close()


def test_users_groups_roles_and_indexes_survive_a_restart(tmp_path):
    state_file = tmp_path / "ss-state.json"
    with EmulatorServer(seed="demo", state_file=state_file) as first:
        app = Api(first.url, "scim-app")
        user = app.ok("POST", "/api/v1/users", json={"userName": "Persisted", "displayName": "P",
                                                      "password": "Persist-Passw0rd!"})
        group = app.ok("POST", "/api/v1/groups", json={"name": "Kept", "enabled": True, "failWhenNameExists": True})
        app.ok("POST", f"/api/v1/groups/{group['id']}/users", json={"userId": user["id"]})
        app.ok("POST", f"/api/v1/users/{user['id']}/roles", json={"roleIds": [5]})
    with EmulatorServer(seed="demo", state_file=state_file) as second:
        state = second.state
        assert state.user_by_name("PERSISTED")["id"] == user["id"]
        assert state.group_by_name("kept")["id"] == group["id"]
        assert group["id"] in state.group_ids_of(state.users[user["id"]])
        assert state.role_ids["Auditor"] == 5 and state.domains[1]["name"] == "CORP"
        app = Api(second.url, "scim-app")
        assert app.post("/api/v1/groups", json={"name": "KEPT", "failWhenNameExists": True}).status_code == 400
        assert app.post("/api/v1/users", json={"userName": "persisted", "displayName": "P",
                                               "password": "Persist-Passw0rd!"}).status_code == 400
        assert [r["name"] for r in app.ok("GET", f"/api/v1/users/{user['id']}/roles")["records"]] == ["Auditor", "User"]
        assert Api(second.url).get("/api/v1/healthcheck").status_code == 200
        token = requests.post(f"{second.url}/oauth2/token", timeout=5, data={
            "grant_type": "password", "username": "persisted", "password": "Persist-Passw0rd!"})
        assert token.status_code == 200
