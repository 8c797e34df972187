"""The brute-force counters: attempts reserved before the call, two tiers, keyed on the user name alone."""
import pytest
from django.core.cache import cache

from connector.lockout import (
    counter_incr,
    domain_normalise,
    signin_attempt_reserve,
    signin_locked_out,
    throttle_keys,
)


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def fail(username, ip):
    reservation = signin_attempt_reserve(username, ip)
    assert reservation is not None
    reservation.failed()


def test_five_failures_from_one_address_lock_that_pair_only():
    for _ in range(4):
        fail("Bob", "1.2.3.4")
    assert not signin_locked_out("bob", "1.2.3.4")
    fail("bob", "1.2.3.4")
    assert signin_locked_out("BOB ", "1.2.3.4")
    assert signin_attempt_reserve("bob", "1.2.3.4") is None
    assert not signin_locked_out("bob", "5.6.7.8")


def test_ten_failures_lock_the_user_name_everywhere():
    for i in range(10):
        fail("bob", f"10.0.0.{i}")
    assert signin_locked_out("bob", "192.0.2.1")


def test_success_clears_the_pair_counter_only():
    for _ in range(4):
        fail("bob", "1.2.3.4")
    signin_attempt_reserve("bob", "1.2.3.4").succeeded()
    for _ in range(4):
        fail("bob", "1.2.3.4")
    assert not signin_locked_out("bob", "1.2.3.4")


def test_in_flight_attempts_hold_their_slots_before_any_answer():
    held = [signin_attempt_reserve("bob", "1.2.3.4") for _ in range(5)]
    assert all(held)
    assert signin_attempt_reserve("bob", "1.2.3.4") is None  # the sixth never reaches Secret Server
    held[0].released()  # an outage: the slot comes back, nothing counted
    assert signin_attempt_reserve("bob", "1.2.3.4") is not None


def test_a_released_attempt_is_not_counted():
    for _ in range(20):
        signin_attempt_reserve("bob", "1.2.3.4").released()
    assert not signin_locked_out("bob", "1.2.3.4")
    assert signin_attempt_reserve("bob", "1.2.3.4") is not None


def test_settling_twice_counts_once():
    reservation = signin_attempt_reserve("bob", "1.2.3.4")
    reservation.released()
    reservation.released()
    user_key, pair_key = throttle_keys("bob", "1.2.3.4")
    assert (cache.get(pair_key) or 0) == 0 and (cache.get(user_key) or 0) == 0


@pytest.mark.parametrize("alias", [None, "", "local", " local ", "LOCAL", "(local)"])
def test_local_domain_aliases_are_no_domain(alias):
    assert domain_normalise(alias) is None


def test_a_real_domain_is_kept_trimmed():
    assert domain_normalise(" CORP ") == "CORP"


def test_incr_keeps_a_ttl():
    assert counter_incr("t:key", 60) == 1
    assert counter_incr("t:key", 60) == 2
    if hasattr(cache, "ttl"):
        assert 0 < cache.ttl("t:key") <= 60


def test_no_cache_key_holds_the_user_name():
    keys = throttle_keys("very-unique-name-123", "1.2.3.4")
    assert not any("very-unique-name-123" in k or "1.2.3.4" in k for k in keys)
