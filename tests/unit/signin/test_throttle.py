"""The brute-force counters: atomic add+incr with a TTL, two tiers, reset on success."""
import pytest
from django.core.cache import cache

from connector.services.signin import (
    _incr,
    _throttle_keys,
    signin_failure_count,
    signin_failures_reset,
    signin_locked_out,
)


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_five_failures_from_one_address_lock_that_pair_only():
    for _ in range(4):
        signin_failure_count("Bob", None, "1.2.3.4")
    assert not signin_locked_out("bob", None, "1.2.3.4")
    signin_failure_count("bob", None, "1.2.3.4")
    assert signin_locked_out("BOB ", None, "1.2.3.4")
    assert not signin_locked_out("bob", None, "5.6.7.8")


def test_ten_failures_lock_the_user_name_everywhere():
    for i in range(10):
        signin_failure_count("bob", None, f"10.0.0.{i}")
    assert signin_locked_out("bob", None, "192.0.2.1")


def test_reset_clears_the_pair_counter_only():
    for _ in range(4):
        signin_failure_count("bob", None, "1.2.3.4")
    signin_failures_reset("bob", None, "1.2.3.4")
    for _ in range(4):
        signin_failure_count("bob", None, "1.2.3.4")
    assert not signin_locked_out("bob", None, "1.2.3.4")


def test_incr_keeps_a_ttl():
    assert _incr("t:key", 60) == 1
    assert _incr("t:key", 60) == 2
    if hasattr(cache, "ttl"):
        assert 0 < cache.ttl("t:key") <= 60


def test_no_cache_key_holds_the_user_name():
    keys = _throttle_keys("very-unique-name-123", None, "1.2.3.4")
    assert not any("very-unique-name-123" in k or "1.2.3.4" in k for k in keys)
