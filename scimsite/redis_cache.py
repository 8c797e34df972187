"""Django's Redis cache, with one ``redis.Redis`` client per connection pool instead of one per operation.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache call; with redis-py 8
that constructor rebuilds its table of response callbacks (hundreds of dict insertions and ``str.upper``
calls) each time. Measured with cProfile on the SCIM userName lookup: about a fifth of the request's CPU
went to constructing those throwaway clients (bench/scim_throughput.py). A ``redis.Redis`` over a
connection pool is safe to share between threads (each command borrows a pooled connection), so one per
pool is kept and reused; behaviour is otherwise Django's own.
"""
from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._clients_lock = threading.Lock()

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            with self._clients_lock:
                client = self._clients.get(id(pool))
                if client is None:
                    client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
