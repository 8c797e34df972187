"""Transport: total deadline, socket faults, retries only for idempotent calls, capped jitter, logging."""
import logging
import time

import pytest
import responses

from connector.secretserver import Unavailable, UnexpectedResponse
from connector.secretserver.transport import USER_AGENT, Transport
from ss_unit_helpers import API, BASE, TOKEN_URL, make_client

SLACK = 0.6  # seconds allowed past the deadline (scheduling, the last short read)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as r:
        yield r


SECRET = {"id": 5, "name": "s", "folderId": 1, "secretTemplateId": 9, "items": []}


# ---- socket faults `responses` cannot make -------------------------------------------------------------
def test_slow_drip_fails_at_the_total_deadline(fault_server):
    srv = fault_server("drip", interval=0.1)  # the full body would take 40 s
    c = make_client(srv.url, timeout=1.0, retries=0)
    t0 = time.monotonic()
    with pytest.raises(Unavailable, match="[Dd]eadline"):
        c.get_secret(5)
    elapsed = time.monotonic() - t0
    assert 0.9 <= elapsed < 1.0 + SLACK, elapsed


def test_slow_drip_with_retries_still_respects_one_total_deadline(fault_server):
    srv = fault_server("drip", interval=0.1)
    c = make_client(srv.url, timeout=1.0, retries=3)
    t0 = time.monotonic()
    with pytest.raises(Unavailable):
        c.get_secret(5)
    assert time.monotonic() - t0 < 1.0 + SLACK
    assert srv.connections == 1  # no time was left for a retry


def test_stalled_server_fails_at_the_deadline(fault_server):
    srv = fault_server("stall", hold=5)
    c = make_client(srv.url, timeout=0.8, retries=0)
    t0 = time.monotonic()
    with pytest.raises(Unavailable):
        c.current_user()
    assert time.monotonic() - t0 < 0.8 + SLACK


def test_connection_reset_is_unavailable_and_retried_for_get(fault_server):
    srv = fault_server("reset")
    c = make_client(srv.url, timeout=3, retries=2)
    with pytest.raises(Unavailable):
        c.get_secret(5)
    time.sleep(0.05)
    assert srv.connections == 3


def test_reset_after_headers_is_a_failure(fault_server):
    srv = fault_server("reset_after_headers")
    c = make_client(srv.url, timeout=3, retries=0)
    with pytest.raises((Unavailable, UnexpectedResponse)):
        c.get_secret(5)


def test_close_without_response_is_unavailable(fault_server):
    srv = fault_server("close")
    c = make_client(srv.url, timeout=3, retries=0)
    with pytest.raises(Unavailable):
        c.get_secret(5)


def test_truncated_body_is_unexpected(fault_server):
    srv = fault_server("truncated")
    c = make_client(srv.url, timeout=3, retries=2)
    with pytest.raises(UnexpectedResponse, match="Truncated"):
        c.get_secret(5)
    assert srv.connections == 1  # not retried: only Unavailable is


def test_connection_refused_is_unavailable_fast(refused_url):
    c = make_client(refused_url, timeout=3, retries=0)
    t0 = time.monotonic()
    with pytest.raises(Unavailable, match="connect"):
        c.current_user()
    assert time.monotonic() - t0 < 1


def test_dns_failure_is_unavailable():
    c = make_client("http://does-not-exist.invalid", timeout=3, retries=0)
    with pytest.raises(Unavailable):
        c.current_user()


def test_password_grant_against_a_reset_is_not_retried(fault_server):
    srv = fault_server("reset")
    c = make_client(srv.url, timeout=3, retries=5)
    with pytest.raises(Unavailable):
        c.password_grant("alice", "pw")
    time.sleep(0.05)
    assert srv.connections == 1


# ---- retries ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [500, 502, 503])
def test_get_is_retried_on_5xx_then_succeeds(rsps, status):
    sleeps = []
    c = make_client(retries=2, sleep=sleeps.append)
    rsps.get(API + "/secrets/5", status=status, json={"message": "x"})
    rsps.get(API + "/secrets/5", status=status, json={"message": "x"})
    rsps.get(API + "/secrets/5", json=SECRET)
    assert c.get_secret(5).id == 5
    assert len(rsps.calls) == 3 and len(sleeps) == 2


def test_get_gives_up_after_retries_plus_one_attempts(rsps):
    c = make_client(retries=2)
    rsps.get(API + "/secrets/5", status=503, json={"message": "x"})
    with pytest.raises(Unavailable):
        c.get_secret(5)
    assert len(rsps.calls) == 3


@pytest.mark.parametrize("call", [
    lambda c: c.create_folder("F"),
    lambda c: c.create_access_request(5, "pls", __import__("datetime").datetime(2024, 1, 1),
                                      __import__("datetime").datetime(2024, 1, 3)),
    lambda c: c.update_access_request(3, "Approved"),
    lambda c: c.delete_secret(5),
    lambda c: c.revoke_token(),
])
def test_non_idempotent_calls_are_not_retried(rsps, call):
    c = make_client(retries=3)
    for method in (responses.POST, responses.PUT, responses.DELETE):
        rsps.add(method, __import__("re").compile(r".*"), status=503, json={"message": "x"})
    with pytest.raises(Unavailable):
        call(c)
    assert len(rsps.calls) == 1


def test_full_replace_put_is_retried(rsps):
    c = make_client(retries=1)
    rsps.put(API + "/secrets/5", status=503, json={"message": "x"})
    rsps.put(API + "/secrets/5", json=SECRET)
    from connector.secretserver import Secret

    assert c.update_secret(Secret(5, "s", 1, 9)).id == 5
    assert len(rsps.calls) == 2


def test_password_grant_is_never_retried_on_5xx(rsps):
    c = make_client(retries=4)
    rsps.post(TOKEN_URL, status=500, json={"message": "x"})
    with pytest.raises(Unavailable):
        c.password_grant("a", "b")
    assert len(rsps.calls) == 1


def test_4xx_is_not_retried(rsps):
    c = make_client(retries=4)
    rsps.get(API + "/secrets/5", status=400, json={"errorCode": "API_AccessDenied", "message": "Access Denied"})
    with pytest.raises(Exception):
        c.get_secret(5)
    assert len(rsps.calls) == 1


def test_jitter_is_capped_and_exponential():
    t = Transport(BASE, timeout=5, backoff_base=0.2, backoff_cap=1.0, rng=lambda: 1.0)
    assert [round(t.backoff_delay(n), 3) for n in (1, 2, 3, 4, 10)] == [0.2, 0.4, 0.8, 1.0, 1.0]
    t0 = Transport(BASE, timeout=5, backoff_base=0.2, backoff_cap=1.0, rng=lambda: 0.0)
    assert [round(t0.backoff_delay(n), 3) for n in (1, 2, 3, 10)] == [0.1, 0.2, 0.4, 0.5]
    import random

    real = Transport(BASE, timeout=5, backoff_base=0.2, backoff_cap=1.0, rng=random.Random(7).random)
    delays = [real.backoff_delay(n) for n in range(1, 200)]
    assert max(delays) <= 1.0 and min(delays) >= 0.1 and len(set(delays)) > 100


def test_retry_after_is_honoured_but_capped(rsps):
    sleeps = []
    c = make_client(retries=1, sleep=sleeps.append)
    c.transport.backoff_cap = 1.5
    rsps.get(API + "/secrets/5", status=503, json={"message": "x"}, headers={"Retry-After": "120"})
    rsps.get(API + "/secrets/5", json=SECRET)
    c.get_secret(5)
    assert sleeps == [1.5]


def test_no_retry_when_the_deadline_leaves_no_room(rsps):
    c = make_client(retries=3, timeout=0.3)
    c.transport.backoff_base = 1.0
    rsps.get(API + "/secrets/5", status=503, json={"message": "x"})
    with pytest.raises(Unavailable):
        c.get_secret(5)
    assert len(rsps.calls) == 1


# ---- headers and logging --------------------------------------------------------------------------------
def test_user_agent_bearer_and_camelcase_query(rsps, client):
    rsps.get(API + "/secrets", json={"records": [], "hasNext": False})
    client.search_secrets(folder_id=3, search_text="SCIM")
    req = rsps.calls[0].request
    assert req.headers["User-Agent"] == USER_AGENT and USER_AGENT.startswith("scim-connector")
    assert req.headers["Authorization"] == "Bearer bearer-token-abc"
    assert "filter.folderId=3" in req.url and "filter.includeRestricted=true" in req.url
    assert "filter.searchText=SCIM" in req.url and "skip=0" in req.url


def test_one_debug_line_per_call_without_query_or_body(rsps, client, caplog):
    rsps.get(API + "/secrets", json={"records": [{"id": 1, "name": "n"}], "hasNext": False})
    with caplog.at_level(logging.DEBUG, logger="connector.secretserver"):
        client.search_secrets(search_text="hush-query-value")
    lines = [r.getMessage() for r in caplog.records if r.name == "connector.secretserver"]
    assert len(lines) == 1
    assert lines[0].startswith("secretserver GET /api/v1/secrets -> 200 in ") and " ms" in lines[0]
    assert "hush-query-value" not in caplog.text and '"name"' not in caplog.text


def test_base_url_must_be_absolute_http():
    with pytest.raises(ValueError):
        Transport("ftp://x", timeout=1)
    with pytest.raises(ValueError):
        Transport("", timeout=1)
