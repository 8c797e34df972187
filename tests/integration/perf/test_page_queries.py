"""Pinned database queries per signed-in page (counts, not times: issue 10).

Outside a test transaction, as in production: the bootstrap record and the person's user row come from the
process's copies (re-read when their shared version changes), the session from the cache. A second view of
each page makes only the queries its own content needs. Before the user-row memo every line was one higher
(the user query of ``AuthenticationMiddleware``).
"""
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from connector.services import user_memo
from connector.services.shared_versions import USERS_VERSION_KEY
from tests.helpers import sign_in_as
from tests.integration.endpoints.conftest import connector, ss_app  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)

QUERIES_PER_VIEW = {
    "/favicon.ico": 0,  # the floor: a signed-in redirect
    "/": 0,
    "/settings/endpoints/": 1,  # the mirror's rows
    "/settings/configuration/": 0,
    "/settings/secret-server/": 0,
    "/history/": 1,  # one keyset page, no count
    "/audit/": 1,  # one keyset page (the verification box, anchor included, is cached for a minute)
}


@pytest.mark.parametrize("path", list(QUERIES_PER_VIEW))
def test_queries_per_page(client, ss, connector, django_assert_num_queries, path):  # noqa: F811
    sign_in_as(client, "admin", "administrator")
    assert client.get(path).status_code in (200, 301)
    with django_assert_num_queries(QUERIES_PER_VIEW[path]):
        assert client.get(path).status_code in (200, 301)


def test_a_deactivated_person_is_refused_at_the_next_request(client, ss, connector):  # noqa: F811
    user = sign_in_as(client, "admin", "administrator")
    assert client.get("/").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/").status_code == 302  # to the sign-in page: the memo was dropped by the save


def test_a_change_by_another_worker_is_seen_through_the_shared_version(client, ss, connector):  # noqa: F811
    user = sign_in_as(client, "admin", "administrator")
    assert client.get("/").status_code == 200
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)  # no signal in this process
    assert client.get("/").status_code == 200  # this process has not been told yet
    cache.set(USERS_VERSION_KEY, "another worker saved a user")
    assert client.get("/").status_code == 302


def test_a_copy_is_never_older_than_the_recheck_interval(client, ss, connector, monkeypatch):  # noqa: F811
    user = sign_in_as(client, "admin", "administrator")
    assert client.get("/").status_code == 200
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)  # behind the ORM's back
    now = user_memo.time.monotonic()
    monkeypatch.setattr(user_memo.time, "monotonic", lambda: now + user_memo.USER_MEMO_SECONDS + 1)
    assert client.get("/").status_code == 302


def test_callers_get_their_own_copy(client, ss, connector):  # noqa: F811
    user = sign_in_as(client, "admin", "administrator")
    first = user_memo.user_by_pk(user.pk)
    first.first_name = "changed in one request"
    assert user_memo.user_by_pk(user.pk).first_name == ""


def test_one_cache_round_trip_for_the_version_tokens(connector, monkeypatch):  # noqa: F811
    """Within a request the bootstrap and users tokens are read together, once."""
    from django.test import RequestFactory

    from connector.services.connection import bootstrap_version
    from connector.services import shared_versions
    from connector.services.shared_versions import shared_version
    from scimsite.middleware import current_request

    from connector.services.shared_versions import BOOTSTRAP_VERSION_KEY

    cache.set_many({BOOTSTRAP_VERSION_KEY: "b1", USERS_VERSION_KEY: "u1"})
    reads = []

    class CountingCache:  # only get_many may be used while the tokens are there
        def get_many(self, keys):
            reads.append(list(keys))
            return cache.get_many(keys)

    monkeypatch.setattr(shared_versions, "cache", CountingCache())
    token = current_request.set(RequestFactory().get("/"))
    try:
        shared_version(USERS_VERSION_KEY)
        bootstrap_version()
        bootstrap_version()
    finally:
        current_request.reset(token)
    assert reads == [[BOOTSTRAP_VERSION_KEY, USERS_VERSION_KEY]]


def test_the_floor_is_one_cache_round_trip_session_and_version_tokens_together(client, ss, connector,  # noqa: F811
                                                                               monkeypatch):
    """connector/sessions.py reads the session and the shared version tokens in one ``get_many``: a signed-in
    request reaches its view after exactly one cache round trip (it was two: the session, then the tokens)."""
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from connector.services.shared_versions import BOOTSTRAP_VERSION_KEY

    sign_in_as(client, "admin", "administrator")
    assert client.get("/").status_code == 200  # warm: tokens exist, this process's copies are current
    backend, reads, depth = caches["default"], [], [0]

    def counted(name, original):
        def call(*args, **kwargs):  # only round trips: locmem's get_many calls get inside
            if not depth[0]:
                reads.append(name)
            depth[0] += 1
            try:
                return original(*args, **kwargs)
            finally:
                depth[0] -= 1
        return call

    for name in ("get", "get_many", "has_key"):
        monkeypatch.setattr(backend, name, counted(name, getattr(backend, name)))
    assert client.get("/favicon.ico").status_code == 301
    assert reads == ["get_many"]

    def bootstrap_read():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return any("connector_connectorbootstrap" in q["sql"] for q in queries.captured_queries)

    assert not bootstrap_read()  # the copy is current
    cache.set(BOOTSTRAP_VERSION_KEY, "changed-by-another-worker")  # a token read with the session still counts:
    assert bootstrap_read()  # the next page re-reads the record
