"""Fixtures for the Secret Server client's unit tests: `responses` mocks and a tiny socket fault server."""
import socket

import pytest
from ss_unit_helpers import FaultServer, make_client


@pytest.fixture
def client():
    return make_client()


@pytest.fixture
def fault_server():
    servers = []

    def start(mode, **opts):
        srv = FaultServer(mode, **opts)
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.close()


@pytest.fixture
def refused_url():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    return f"http://127.0.0.1:{port}"
