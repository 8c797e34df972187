"""scimsite.redis_cache: Django's Redis cache with one client per connection pool (real Redis when reachable)."""
from __future__ import annotations

import socket
import threading
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from scimsite.redis_cache import RedisCache


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="Redis is not reachable on 127.0.0.1:6379")
def test_one_client_per_pool_and_behaviour_unchanged():
    prefix = f"rc-unit-{uuid.uuid4().hex}"
    cache = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": prefix})
    django_cache = DjangoRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": prefix})
    try:
        assert cache._cache.get_client() is cache._cache.get_client(write=True)  # reused, not rebuilt
        assert django_cache._cache.get_client() is not django_cache._cache.get_client()  # what it replaces
        cache.set("k", {"a": 1}, 30)
        assert django_cache.get("k") == {"a": 1}  # same keys and serialisation as Django's backend
        assert cache.add("n", 1, 30) and not cache.add("n", 5, 30)
        errors = []

        def bump():
            try:
                for _ in range(50):
                    cache.incr("n")
            except Exception as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=bump) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors and cache.get("n") == 201
        assert cache.get_many(["k", "n", "missing"]) == {"k": {"a": 1}, "n": 201}
    finally:
        cache.delete_many(["k", "n"])
