"""When a setup counts as moving the connector to another Secret Server (which needs the re-proof)."""
from __future__ import annotations

from types import SimpleNamespace

from connector.services.setup import _is_move


def _previous(url):
    return SimpleNamespace(secret_server_url=url)


def test_first_setup_is_not_a_move():
    assert _is_move(None, "https://ss.example.test/SecretServer") is False


def test_the_same_server_spelled_differently_is_not_a_move():
    previous = _previous("https://ss.example.test/SecretServer")
    assert _is_move(previous, "HTTPS://SS.example.test:443/secretserver/") is False


def test_another_host_port_or_path_is_a_move():
    previous = _previous("https://ss.example.test/SecretServer")
    assert _is_move(previous, "https://other.example.test/SecretServer") is True
    assert _is_move(previous, "https://ss.example.test:8443/SecretServer") is True
    assert _is_move(previous, "https://ss.example.test/Vault") is True
