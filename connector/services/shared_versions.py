"""Version tokens in the shared cache that key per-process copies (the bootstrap record, user rows).

A process keeps a copy of something every request needs and re-reads it when the token changes; whoever
changes the thing puts a new token in the shared cache, so every worker re-reads on its next request.
Each request reads all the tokens it may need in ONE round trip (``get_many``) and keeps the answers for the
rest of the request: before, Home read the bootstrap token twice and then queried the user table, three round
trips before any view code. Within one request the first answer stands, as if the request had started a
moment earlier; ``version_bump`` resets the request's copy so a change made by this request is seen at once.
"""
from __future__ import annotations

import uuid

from django.core.cache import cache

from scimsite.middleware import current_request

BOOTSTRAP_VERSION_KEY = "connector:bootstrap:version"
USERS_VERSION_KEY = "connector:users:version"
VERSION_KEYS = (BOOTSTRAP_VERSION_KEY, USERS_VERSION_KEY)
VERSION_SECONDS = 300  # a change made behind the ORM's back (SQL, a restore) is seen within 5 minutes
_REQUEST_ATTR = "_connector_shared_versions"


def shared_version(key: str) -> str:
    """The current token for ``key`` (one of VERSION_KEYS); a fresh one is started when it is missing."""
    request = current_request.get()
    memo = request.__dict__.setdefault(_REQUEST_ATTR, {}) if request is not None else {}
    if key in memo:
        return memo[key]
    wanted = [k for k in VERSION_KEYS if k not in memo] if request is not None else [key]
    found = cache.get_many(wanted)
    for k in wanted:
        value = found.get(k)
        if value is None:  # evicted or a fresh cache: start a new version (and so re-read everywhere)
            cache.add(k, uuid.uuid4().hex, VERSION_SECONDS)
            value = cache.get(k) or ""
        if value:
            memo[k] = value
    return memo.get(key, "")


def shared_versions_prime(found: dict) -> None:
    """Keep the tokens in ``found`` (a ``get_many`` that also asked for VERSION_KEYS) as this request's answers,
    so ``shared_version`` needs no round trip of its own: the session store reads them together with the
    session (connector/sessions.py). Missing tokens are left to ``shared_version``, which starts them."""
    request = current_request.get()
    if request is None:
        return
    memo = request.__dict__.setdefault(_REQUEST_ATTR, {})
    for key in VERSION_KEYS:
        value = found.get(key)
        if value and key not in memo:
            memo[key] = value


def version_bump(key: str) -> None:
    """A new token for ``key``: every process (this request included) re-reads on its next use."""
    request = current_request.get()
    if request is not None:
        request.__dict__.get(_REQUEST_ATTR, {}).pop(key, None)
    cache.set(key, uuid.uuid4().hex, VERSION_SECONDS)
