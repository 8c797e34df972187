"""The signed-in person's user row, kept per process instead of one database query per request.

Every signed-in request loaded its user with a query (``AuthenticationMiddleware`` → backend ``get_user``):
measured with cProfile it was the largest single cost of a bare signed-in request. Each process now keeps
the rows it has read, keyed by the shared users version (``USERS_VERSION_KEY``, read in the same round trip
as the bootstrap token): any save or delete of any user through the ORM puts a new token there, so every
worker re-reads on its next request. A copy is never older than ``USER_MEMO_SECONDS`` (the access re-check
interval), which bounds a change made behind the ORM's back (SQL, ``QuerySet.update``). Rows stay in process
memory only (never in the shared cache), and each caller gets its own copy. Django still checks the session's
auth hash against the row and ``get_user`` still refuses an inactive user, so nothing is decided on a copy
that the database would not decide the same way within that bound.
"""
from __future__ import annotations

import copy
import time

from django.contrib.auth import get_user_model
from django.db import transaction

from connector.services.shared_versions import USERS_VERSION_KEY, shared_version, version_bump

USER_MEMO_SECONDS = 60
USER_MEMO_MAX = 2048  # rows per process; the memo is emptied when full
_memo: dict = {}  # pk -> (users version, monotonic time read, user)


def user_by_pk(pk):
    """The user with this primary key (a private copy) or None."""
    manager = get_user_model()._default_manager
    if transaction.get_connection().in_atomic_block:  # a row seen here may yet be rolled back
        return manager.filter(pk=pk).first()
    version = shared_version(USERS_VERSION_KEY)
    now = time.monotonic()
    hit = _memo.get(pk)
    if hit is not None and hit[0] == version and now - hit[1] < USER_MEMO_SECONDS:
        return copy.copy(hit[2])
    user = manager.filter(pk=pk).first()
    if user is None:
        _memo.pop(pk, None)
        return None
    if len(_memo) >= USER_MEMO_MAX:
        _memo.clear()
    _memo[pk] = (version, now, user)
    return copy.copy(user)


def users_changed(**_signal_kwargs) -> None:
    """Any user saved or deleted: every process re-reads its user rows (now and again after commit)."""
    _memo.clear()
    version_bump(USERS_VERSION_KEY)
    transaction.on_commit(lambda: version_bump(USERS_VERSION_KEY))


def user_memo_connect() -> None:
    """Called once from ``ConnectorConfig.ready``."""
    from django.db.models.signals import post_delete, post_migrate, post_save

    User = get_user_model()
    post_save.connect(users_changed, sender=User, dispatch_uid="user-memo-save")
    post_delete.connect(users_changed, sender=User, dispatch_uid="user-memo-delete")
    post_migrate.connect(users_changed, dispatch_uid="user-memo-flush")
