"""The lockout holds: domain aliases share one counter, attempts are reserved before Secret Server is called
(threads on LocMem, processes on Redis), and only Secret Server's own refusal counts as a failed password."""
from __future__ import annotations

import multiprocessing
import socket
import threading

import pytest
from django.core.cache import caches
from django.db import connections
from django.test import Client

from connector.services.signin import MSG_INCORRECT, MSG_LOCKED_OUT, MSG_UNAVAILABLE, Outcome, signin_check

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = "redis://127.0.0.1:6379/13"


def password_grants(ss, user="bob"):
    return [r for r in ss.requests if r.path == "/oauth2/token" and r.user != "scim-app"]


@pytest.mark.parametrize("aliases", [("", "local", " local "), ("LOCAL", " Local", "(local)")])
def test_domain_aliases_count_as_one_account(ss, connector, browser, aliases):
    for i in range(5):
        body = sign_in(browser, "bob", "wrong", domain=aliases[i % len(aliases)]).content.decode()
        assert MSG_INCORRECT in body
    ss.clear_requests()
    for alias in aliases:
        assert MSG_LOCKED_OUT in sign_in(browser, "bob", "wrong", domain=alias).content.decode()
    assert not password_grants(ss)


def test_the_per_user_counter_ignores_the_domain(ss, connector):
    for i in range(10):
        sign_in(Client(REMOTE_ADDR=f"10.3.0.{i}"), "alice", "wrong", domain=f"CORP{i}")
    ss.clear_requests()
    assert MSG_LOCKED_OUT in sign_in(Client(REMOTE_ADDR="10.4.0.1"), "alice").content.decode()
    assert not password_grants(ss)


def test_a_local_alias_is_sent_as_no_domain(ss, connector, browser):
    assert sign_in(browser, "admin", domain=" Local ").status_code == 302


@pytest.mark.parametrize("kind", ["html", "malformed"])
def test_a_token_endpoint_answering_200_garbage_is_unavailable_and_not_counted(ss, connector, browser, kind):
    ss.inject_fault(kind, count=8, path_prefix="/oauth2/token")
    for _ in range(8):
        body = sign_in(browser, "admin", "wrong").content.decode()
        assert MSG_UNAVAILABLE in body and MSG_INCORRECT not in body
    assert sign_in(browser, "admin").status_code == 302  # nothing was counted: no lockout


def test_an_outage_mid_attempt_gives_the_slot_back(ss, connector, browser):
    for _ in range(4):
        sign_in(browser, "admin", "wrong")
    ss.inject_fault("status", count=20, status=503, path_prefix="/oauth2/token")
    for _ in range(5):
        assert MSG_UNAVAILABLE in sign_in(browser, "admin", "wrong").content.decode()
    ss.clear_faults()
    assert sign_in(browser, "admin").status_code == 302


class _Req:
    def __init__(self, ip):
        self.META = {"REMOTE_ADDR": ip}
        self.headers = {}
        self.id = None


def _attempt(ip):
    try:
        return signin_check(username="bob", password="wrong", request=_Req(ip)).kind
    finally:
        connections.close_all()


@pytest.mark.parametrize("same_address,limit", [(True, 5), (False, 10)])
def test_sixty_concurrent_wrong_passwords_reach_secret_server_at_most_limit_times_threads(
        ss, connector, same_address, limit):
    ss.inject_fault("latency", count=60, latency_ms=300, path_prefix="/oauth2/token")  # all in flight at once
    barrier = threading.Barrier(60)
    kinds = []

    def run(i):
        barrier.wait()
        kinds.append(_attempt("10.9.0.1" if same_address else f"10.9.{i // 200}.{i % 200 + 1}"))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    reached = len(password_grants(ss))
    assert reached <= limit, f"{reached} of 60 reached Secret Server (limit {limit})"
    assert reached >= 1
    assert len(kinds) == 60  # (on SQLite some audit rows of the lock-outs fail to write: Outcome.ERROR)


def _redis_available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


def _child(ips, results):
    kinds = []
    threads = [threading.Thread(target=lambda ip=ip: kinds.append(_attempt(ip))) for ip in ips]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    results.extend(kinds)


@pytest.mark.skipif(not _redis_available(), reason="Redis at 127.0.0.1:6379 not available")
def test_sixty_concurrent_wrong_passwords_across_four_processes_on_redis(ss, connector, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_URL}}
    cache = caches["default"]
    cache.clear()
    try:
        ss.inject_fault("latency", count=60, latency_ms=300, path_prefix="/oauth2/token")
        cache.close()
        connections.close_all()
        ctx = multiprocessing.get_context("fork")
        with ctx.Manager() as manager:
            results = manager.list()
            procs = [ctx.Process(target=_child, args=([f"10.8.{p}.{i}" for i in range(15)], results))
                     for p in range(4)]
            # each process runs its 15 attempts in 15 threads: 60 concurrent attempts in all
            for p in procs:
                p.start()
            for p in procs:
                p.join(120)
            kinds = list(results)
        reached = len(password_grants(ss))
        assert all(p.exitcode == 0 for p in procs)
        assert reached <= 10, f"{reached} of 60 reached Secret Server across 4 processes (limit 10)"
        assert len(kinds) == 60
    finally:
        cache.clear()
