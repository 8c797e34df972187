"""Generated users and groups for benchmarks (docs/secretserver-api-extensions.md §4)."""
import socket
import subprocess
import sys
import time

import pytest
import requests

from secretserver_emulator import EmulatorServer, State
from secretserver_emulator.population import GENERATED_PASSWORD, generated_group_name, generated_user_name

from .conftest import token_for


@pytest.fixture(scope="module")
def big():
    with EmulatorServer(seed="demo", generate={"users": 2000, "groups": 40}) as server:
        yield server


def test_generated_users_and_groups_are_indexed_and_deterministic():
    state = State("demo", generate={"users": 300, "groups": 7})
    assert len(state.users) == 11 + 300  # the demo cast has 11 users
    first = state.user_by_name(generated_user_name(1))
    last = state.user_by_name("USER00300")
    assert (first["id"], last["id"], first["userName"]) == (13, 312, "user00001")
    group = state.group_by_name(generated_group_name(7))
    assert group["name"] == "group0007" and len(group["memberIds"]) == 300 // 7
    member_of = {state.groups[g]["name"] for g in state.group_ids_of(last)}
    assert member_of == {"Everyone", "user00300", generated_group_name(((300 - 1) % 7) + 1)}
    personal_ids = {u["personalGroupId"] for u in state.users.values()}
    assert len(personal_ids) == len(state.users) and not personal_ids & {g["id"] for g in
                                                                        state.groups.values()
                                                                        if not g.get("personalUserId")}
    ids_before = {u["userName"]: (u["id"], u["personalGroupId"]) for u in state.users.values()}
    state.reset()
    assert {u["userName"]: (u["id"], u["personalGroupId"]) for u in state.users.values()} == ids_before
    assert state.seed["generate"] == {"users": 300, "groups": 7}


def test_no_generation_means_the_plain_seed():
    assert len(State("demo").users) == 11


def test_bad_counts_are_refused():
    with pytest.raises(ValueError):
        State("demo", generate={"users": -1})


def test_generated_users_are_served_over_http(big):
    token = token_for(big.url, "user01999", GENERATED_PASSWORD)["access_token"]
    me = requests.get(f"{big.url}/api/v1/users/current", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert me.json()["displayName"] == "Generated User 01999"
    app = {"Authorization": f"Bearer {token_for(big.url, 'scim-app')['access_token']}"}
    body = requests.get(f"{big.url}/api/v1/users?filter.searchText=USER01234&take=100", headers=app, timeout=5).json()
    assert [u["userName"] for u in body["records"]] == ["user01234"] and body["total"] == 1
    everyone = requests.get(f"{big.url}/api/v1/users?take=100&skip=1900", headers=app, timeout=5).json()
    assert everyone["total"] == 2000 + 9 and len(everyone["records"]) == 100
    groups = requests.get(f"{big.url}/api/v1/groups?filter.searchText=group00&take=1000", headers=app, timeout=5).json()
    assert groups["total"] == 40 and groups["records"][0]["memberCount"] == 50
    gid = groups["records"][0]["id"]
    members = requests.get(f"{big.url}/api/v1/groups/{gid}/users?take=5", headers=app, timeout=5).json()
    assert members["total"] == 50 and members["records"][0]["userName"] == "user00001"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_command_line_generates_too():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "secretserver_emulator", "--port", str(port), "--seed", "demo",
                             "--users", "25", "--groups", "3"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 15
        while True:
            try:
                requests.get(f"{base}/api/v1/healthcheck", timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()
                time.sleep(0.1)
        token = token_for(base, "user00025", GENERATED_PASSWORD)["access_token"]
        assert token
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert b"25 generated users, 3 generated groups" in proc.stdout.read()


def test_the_command_line_refuses_negative_counts():
    result = subprocess.run([sys.executable, "-m", "secretserver_emulator", "--users", "-5"],
                            capture_output=True, timeout=30)
    assert result.returncode == 2 and b"must be >= 0" in result.stderr
