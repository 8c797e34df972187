"""app_client keeps one client (one connection pool) per thread until the bootstrap or settings change."""
import threading

from connector.crypto import encrypt_secret
from connector.models import ConnectorBootstrap
from connector.services.connection import app_client


def _bootstrap(password="App-Passw0rd!", url="https://ss.example.test"):
    return ConnectorBootstrap(secret_server_url=url, app_username="scim-app",
                              app_password_encrypted=encrypt_secret(password), hostname="testhost")


def test_the_same_thread_reuses_its_client_and_another_thread_gets_its_own():
    bootstrap = _bootstrap()
    first = app_client(bootstrap)
    assert app_client(bootstrap) is first
    other = []
    thread = threading.Thread(target=lambda: other.append(app_client(bootstrap)))
    thread.start()
    thread.join()
    assert other[0] is not first


def test_a_new_password_or_timeout_gives_a_new_client_and_closes_the_old_one(settings, monkeypatch):
    old = app_client(_bootstrap())
    closed = []
    monkeypatch.setattr(old, "close", lambda: closed.append(True))
    rotated = _bootstrap(password="Rotated-Passw0rd!")
    new = app_client(rotated)
    assert new is not old and closed == [True]
    assert app_client(rotated) is new
    settings.SECRET_SERVER_TIMEOUT = 3
    assert app_client(rotated) is not new
