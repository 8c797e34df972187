"""The error threshold: upstream failures counted across workers, the connector disabling itself, re-enabling."""
import os
import socket
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from connector.models import AuditEvent
from connector.services.configuration_service import settings_document_read
from scim.services import threshold
from scim.services.threshold import failures_current

ROOT = Path(__file__).resolve().parents[2]


def disabled_in_secret_server(ss_app, connector) -> bool:
    return settings_document_read(ss_app, connector).settings.connector_disabled


def test_sequential_upstream_failures_disable_the_connector_then_clearing_restores(scim, ss, ss_app, connector,
                                                                                  set_settings, admin_client):
    set_settings(error_threshold=3)
    scim.get("/v2/Users/5")  # token and settings warm
    ss.inject_fault("status", count=50, status=500, path_prefix="/api/v1/users")
    for n in range(1, 4):
        response = scim.get("/v2/Users/5")
        assert response.status_code == 503 and response.json_body["detail"] == "Unknown error occurred from Secret Server"
    assert disabled_in_secret_server(ss_app, connector)
    reason = AuditEvent.objects.get(action="scim.connector.disabled")
    assert reason.outcome == "success" and "3 sequential Secret Server errors" in reason.message
    assert AuditEvent.objects.filter(action="settings.update", outcome="success",
                                     actor_name="SCIM error threshold").exists()
    refused = scim.get("/v2/Users/5")
    assert refused.status_code == 503 and "disabled" in refused.json_body["detail"] and refused["Retry-After"]
    ss.clear_faults()
    home = admin_client.get("/")
    assert home.status_code == 200 and b"sequential Secret Server errors" in home.content  # the UI keeps working
    set_settings(connector_disabled=False)  # the administrator clears Disabled
    assert failures_current() == 0
    assert scim.get("/v2/Users/5").status_code == 200


def test_a_success_resets_the_count(scim, ss, ss_app, connector, set_settings):
    set_settings(error_threshold=3)
    scim.get("/v2/Users/5")
    for _ in range(2):
        ss.inject_fault("status", count=2, status=503, path_prefix="/api/v1/users")
        assert scim.get("/v2/Users/5").status_code == 503
        assert scim.get("/v2/Users/5").status_code == 200
    assert failures_current() == 0 and not disabled_in_secret_server(ss_app, connector)


def test_client_errors_never_count(scim, ss_app, connector, set_settings):
    set_settings(error_threshold=2)
    for _ in range(5):
        assert scim.get("/v2/Users/999999").status_code == 404
        assert scim.get('/v2/Users?filter=bogus eq "1"').status_code == 400
    assert failures_current() == 0 and not disabled_in_secret_server(ss_app, connector)


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.3).close()
        return True
    except OSError:
        return False


REDIS_URL = "redis://127.0.0.1:6379/11"
SHARED_CACHE = """
import sys, django
django.setup()
from django.core.cache.backends.redis import RedisCache
from scim.services import threshold
cache = threshold.cache = RedisCache(%r, {"KEY_PREFIX": sys.argv[1]})
""" % REDIS_URL
WORKER = SHARED_CACHE + textwrap.dedent("""
    def disable(count, limit):
        cache.incr("test:disables")
    cache.incr("test:ready")
    while cache.get("test:ready") < 2:  # start together
        pass
    for _ in range(int(sys.argv[2])):
        threshold.failure_record(int(sys.argv[3]), disable=disable)
""")
REPORT = SHARED_CACHE + textwrap.dedent("""
    print(cache.get("test:disables"), threshold.failures_current())
    cache.delete_many(["test:disables", "test:ready", threshold.COUNT_KEY, threshold.DISABLING_KEY])
""")


@pytest.mark.skipif(not _redis_up(), reason="Redis is not reachable on 127.0.0.1:6379")
def test_two_processes_sharing_redis_count_atomically_and_disable_once():
    """Two worker processes, one Redis: 300 failures against a threshold of 200 disable exactly once,
    and the 100 counted after the crossing are kept (nothing lost to a read-modify-write race)."""
    prefix = f"scim-threshold-test-{uuid.uuid4().hex}"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_XDIST_WORKER", "CACHE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="scimsite.settings_test", PYTHONPATH=str(ROOT))
    setup = SHARED_CACHE + "cache.set('test:disables', 0); cache.set('test:ready', 0)"
    subprocess.run([sys.executable, "-c", setup, prefix], env=env, cwd=ROOT, check=True, timeout=60)
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, prefix, "150", "200"], env=env, cwd=ROOT)
               for _ in range(2)]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    report = subprocess.run([sys.executable, "-c", REPORT, prefix], env=env, cwd=ROOT, check=True, timeout=60,
                            capture_output=True, text=True)
    disables, remaining = report.stdout.split()
    assert (int(disables), int(remaining)) == (1, 100)


def test_failure_record_elects_one_disabler(settings):
    calls = []
    threshold.success_record()
    for _ in range(5):
        threshold.failure_record(3, disable=lambda count, limit: calls.append((count, limit)))
    assert calls == [(3, 3)] and failures_current() == 2


def test_threshold_reached_while_secret_server_refuses_the_setting_still_stops_scim(
        scim, ss, ss_app, connector, set_settings, admin_client):
    set_settings(error_threshold=2)
    scim.get("/v2/Users/5")
    ss.inject_fault("status", count=500, status=500)  # every Secret Server call fails, the settings write too
    assert [scim.get("/v2/Users/5").status_code for _ in range(2)] == [503, 503]
    refused = scim.get("/v2/Users/5")
    assert refused.status_code == 503 and "disabled" in refused.json_body["detail"]
    assert AuditEvent.objects.get(action="scim.connector.disabled").outcome == "error"
    assert b"has not taken the setting yet" in admin_client.get("/messages/").content
    ss.clear_faults()
    threshold.cache.delete(threshold.PENDING_RETRY_KEY)  # the retry interval is over
    assert scim.get("/v2/Users/5").status_code == 503
    assert disabled_in_secret_server(ss_app, connector) and threshold.disable_pending() is None
    set_settings(connector_disabled=False)
    assert scim.get("/v2/Users/5").status_code == 200


def test_the_application_account_failing_to_sign_in_counts_toward_the_threshold(scim, ss, ss_app, connector,
                                                                                set_settings, admin_client):
    """An expired application-account password is an upstream failure the connector cannot fix by itself:
    it counts, the threshold disables SCIM, and Home/Messages say why (the administrator's next step)."""
    set_settings(error_threshold=2)
    assert scim.get("/v2/Users/5").status_code == 200  # token and settings warm
    ss.expire_password("scim-app")
    ss.revoke_tokens("scim-app")  # its token is refused; signing in again fails: the password expired
    for _ in range(2):
        response = scim.get("/v2/Users/5")
        assert response.status_code == 503
    assert failures_current() == 0  # the crossing took its count away
    reason = AuditEvent.objects.get(action="scim.connector.disabled")
    assert "application account" in reason.message  # the Secret Server write failed too: pending, audited as error
    assert scim.get("/v2/Users/5").status_code == 503
    assert "disabled" in scim.get("/v2/Users/5").json_body["detail"]
    messages = admin_client.get("/messages/").content
    assert b"application account" in messages
