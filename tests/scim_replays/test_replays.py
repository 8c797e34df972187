"""Okta's and Microsoft Entra's SCIM request sequences, replayed against the connector (one test per file).

Each ``*.yaml`` file here is a sequence of steps written from the identity provider's published SCIM
documentation (see its ``source``); ``replay.py`` explains the format. After key steps the files check
Secret Server's own API (the emulator, over HTTP): the SCIM service must have written there.
"""
from pathlib import Path

import pytest

from tests.scim_replays.replay import load, replay

HERE = Path(__file__).parent
REPLAY_FILES = sorted(HERE.glob("*.yaml"))


def test_every_replay_file_is_collected():
    assert {p.stem for p in REPLAY_FILES} >= {"okta_users", "okta_groups", "entra_users", "entra_groups",
                                               "garbage_and_errors", "discovery"}


@pytest.mark.parametrize("path", REPLAY_FILES, ids=[p.stem for p in REPLAY_FILES])
def test_replay(path, scim_send, scim_token, secret_server_probe):
    result = replay(load(path), scim_send, scim_token, secret_server_probe)
    assert result.ok, "\n" + result.report()
