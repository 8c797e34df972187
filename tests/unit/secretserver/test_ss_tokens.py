"""The application account's cached token: reuse, refresh, drop-on-403, one renewer, LocMem and Redis."""
import json
import socket
import threading
import uuid

import pytest
import responses
from django.core.cache.backends.locmem import LocMemCache

from connector.secretserver import AuthenticationFailed, CachedTokenProvider, SecretServerClient, token_cache_key
from connector.secretserver.transport import Transport
from ss_unit_helpers import API, BASE, TOKEN_URL

PASSWORD = "App-Passw0rd!-canary"
CURRENT = {"id": 2, "userName": "scim-app", "displayName": "SCIM", "emailAddress": "", "permissions": []}


def locmem():
    return LocMemCache(f"ss-tokens-{uuid.uuid4().hex}", {})


class Clock:
    def __init__(self):
        self.t = 1_000_000.0

    def __call__(self):
        return self.t


def app_client(cache, clock=None, **kw):
    transport = Transport(BASE, timeout=5, retries=0)
    client = SecretServerClient(transport=transport)
    client.token_provider = CachedTokenProvider(transport, "scim-app", PASSWORD, "local", cache=cache,
                                                clock=clock or Clock(), **kw)
    return client


def token_server(r, lifetime=1200, with_refresh=True):
    n = {"password": 0, "refresh": 0}

    def cb(request):
        kind = "refresh" if "grant_type=refresh_token" in request.body else "password"
        n[kind] += 1
        body = {"access_token": f"AT-{kind}-{n[kind]}", "token_type": "bearer", "expires_in": lifetime}
        if with_refresh:
            body["refresh_token"] = f"RT-{n['password'] + n['refresh']}"
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    r.add_callback(responses.POST, TOKEN_URL, callback=cb)
    return n


def api_calls(r):
    return [c for c in r.calls if "/api/v1/" in c.request.url]


def test_token_is_reused_across_calls_and_clients():
    cache = locmem()
    with responses.RequestsMock() as r:
        n = token_server(r)
        r.get(API + "/users/current", json=CURRENT)
        for _ in range(5):
            app_client(cache).current_user()
        assert n == {"password": 1, "refresh": 0}
        assert len(api_calls(r)) == 5
        assert {c.request.headers["Authorization"] for c in api_calls(r)} == {"Bearer AT-password-1"}


def test_token_is_renewed_shortly_before_expiry_with_the_refresh_token():
    cache, clock = locmem(), Clock()
    with responses.RequestsMock() as r:
        n = token_server(r, lifetime=1200)
        r.get(API + "/users/current", json=CURRENT)
        c = app_client(cache, clock)
        c.current_user()
        clock.t += 1200 - 200  # 200 s left of 1200: more than max(60, 120) -> still fresh
        c.current_user()
        assert n == {"password": 1, "refresh": 0}
        clock.t += 90  # 110 s left < 120 s (10 %) -> renew, via the single-use refresh token
        c.current_user()
        assert n == {"password": 1, "refresh": 1}
        assert "refresh_token=RT-1" in [x for x in r.calls if "oauth2" in x.request.url][-1].request.body
        assert api_calls(r)[-1].request.headers["Authorization"] == "Bearer AT-refresh-1"


def test_failed_refresh_falls_back_to_password_grant():
    cache, clock = locmem(), Clock()
    with responses.RequestsMock() as r:
        calls = []

        def cb(request):
            calls.append(request.body)
            if "refresh_token" in request.body and "grant_type=refresh_token" in request.body:
                return 400, {"Content-Type": "application/json"}, json.dumps({"error": "invalid refresh"})
            return 200, {"Content-Type": "application/json"}, json.dumps(
                {"access_token": f"AT-{len(calls)}", "expires_in": 1200, "refresh_token": "RT"})

        r.add_callback(responses.POST, TOKEN_URL, callback=cb)
        r.get(API + "/users/current", json=CURRENT)
        c = app_client(cache, clock)
        c.current_user()
        clock.t += 1150
        c.current_user()
        assert len(calls) == 3 and "grant_type=password" in calls[2]


def test_short_lived_tokens_are_still_reused():
    cache, clock = locmem(), Clock()
    with responses.RequestsMock() as r:
        n = token_server(r, lifetime=30)
        r.get(API + "/users/current", json=CURRENT)
        c = app_client(cache, clock)
        c.current_user()
        clock.t += 10
        c.current_user()
        assert n["password"] == 1


def test_403_drops_the_token_regrants_once_and_retries_once():
    cache = locmem()
    with responses.RequestsMock() as r:
        n = token_server(r, with_refresh=False)
        r.get(API + "/users/current", status=403, json={"message": "Authentication failed."})
        r.get(API + "/users/current", json=CURRENT)
        c = app_client(cache)
        assert c.current_user().id == 2
        assert n["password"] == 2
        auths = [x.request.headers["Authorization"] for x in api_calls(r)]
        assert auths == ["Bearer AT-password-1", "Bearer AT-password-2"]
        assert cache.get(token_cache_key(BASE, "scim-app", "local"))["access_token"] == "AT-password-2"


def test_a_second_403_propagates_without_looping():
    cache = locmem()
    with responses.RequestsMock() as r:
        n = token_server(r)
        r.get(API + "/users/current", status=403, json={"message": "Authentication failed."})
        with pytest.raises(AuthenticationFailed):
            app_client(cache).current_user()
        assert n["password"] == 2 and len(api_calls(r)) == 2


def test_invalidate_keeps_a_newer_token_stored_by_someone_else():
    cache = locmem()
    p = CachedTokenProvider(Transport(BASE, timeout=1), "scim-app", PASSWORD, cache=cache)
    cache.set(p.key, {"access_token": "NEWER", "expires_at": 9e12, "lifetime": 1200}, 600)
    p.invalidate("OLD")
    assert cache.get(p.key)["access_token"] == "NEWER"


def test_key_and_value_never_hold_the_password():
    cache = locmem()
    with responses.RequestsMock() as r:
        token_server(r)
        r.get(API + "/users/current", json=CURRENT)
        c = app_client(cache)
        c.current_user()
    key = token_cache_key(BASE, "scim-app", "local")
    assert PASSWORD not in key and "scim-app" not in key and key.startswith("secretserver:token:")
    assert token_cache_key(BASE, "scim-app", "local") != token_cache_key(BASE, "scim-app", "other")
    assert token_cache_key(BASE, "scim-app", None) != token_cache_key(BASE + "2", "scim-app", None)
    assert PASSWORD not in repr(cache.get(key)) and PASSWORD not in repr(c.token_provider) + repr(c)


def test_waiters_use_the_token_published_by_the_lock_holder():
    cache = locmem()
    p = CachedTokenProvider(Transport(BASE, timeout=1), "scim-app", PASSWORD, cache=cache, wait=2, poll=0.01)
    cache.add(p.lock_key, "someone-else", 10)
    timer = threading.Timer(0.1, lambda: cache.set(p.key, {"access_token": "FROM-HOLDER",
                                                           "expires_at": p.clock() + 1200, "lifetime": 1200}, 1200))
    timer.start()
    with responses.RequestsMock() as r:  # no token endpoint registered: a grant here would fail the test
        assert p.get_token() == "FROM-HOLDER"
        assert len(r.calls) == 0
    timer.join()


def test_waiters_fall_back_to_granting_when_the_holder_died():
    cache = locmem()
    p = CachedTokenProvider(Transport(BASE, timeout=1), "scim-app", PASSWORD, cache=cache, wait=0.2, poll=0.01)
    cache.add(p.lock_key, "dead-worker", 10)
    with responses.RequestsMock() as r:
        n = token_server(r)
        assert p.get_token() == "AT-password-1"
        assert n["password"] == 1


def test_concurrent_workers_grant_once():
    cache = locmem()
    with responses.RequestsMock() as r:
        n = token_server(r)
        r.get(API + "/users/current", json=CURRENT)
        clients = [app_client(cache, wait=3, poll=0.01) for _ in range(8)]
        barrier = threading.Barrier(8)
        errors = []

        def run(c):
            barrier.wait()
            try:
                c.current_user()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(c,)) for c in clients]
        [t.start() for t in threads]
        [t.join() for t in threads]
        assert not errors
        assert n["password"] == 1


def _redis_up():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.3).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="Redis is not reachable on 127.0.0.1:6379")
def test_redis_cache_variant():
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": f"ss-unit-{uuid.uuid4().hex}"})
    try:
        with responses.RequestsMock() as r:
            n = token_server(r)
            r.get(API + "/users/current", status=403, json={"message": "Authentication failed."})
            r.get(API + "/users/current", json=CURRENT)
            app_client(cache).current_user()  # 403 -> drop -> re-grant -> 200
            app_client(cache).current_user()
            app_client(cache).current_user()
            assert n["password"] == 2
            entry = cache.get(token_cache_key(BASE, "scim-app", "local"))
            assert entry["access_token"] == "AT-password-2" and PASSWORD not in repr(entry)
            assert cache.get(token_cache_key(BASE, "scim-app", "local") + ":lock") is None
    finally:
        cache.delete(token_cache_key(BASE, "scim-app", "local"))
