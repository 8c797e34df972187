"""A corpus of hostile inputs against every URL pattern the project serves (forms, pages, APIs, admin).

Routes are enumerated from the URL resolver, so a new route is covered without editing this file. Each is
called as a signed-in administrator of a configured connector (so the views really run, against the
emulator) with every method and every hostile input; the answer must never be a 5xx, and the hostile
marker must never come back unescaped.
"""
from __future__ import annotations

import json
import re
import time

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from connector.access import Role
from tests.helpers import sign_in_as

from tests.integration.signin.conftest import connector  # noqa: F401  (a configured connector on the emulator)

pytestmark = pytest.mark.django_db(transaction=True)

MARK = "<hx-9q'>"  # Django's HTML escaping turns < and ' into entities; JSON keeps them
FIELDS = ["name", "url", "username", "password", "domain", "revision", "auditors_group", "log_frequency",
          "ui_session_minutes", "permission_mappings", "q", "actor", "action", "status", "outcome", "target_type",
          "requester", "reviewer", "page", "cursor", "next", "format"]
SAMPLES = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _concrete(pattern: str) -> str:
    pattern = re.sub(r"\(\?P<app_label>[^)]*\)", "connector", pattern)
    pattern = re.sub(r"\(\?P<\w+>[^)]*\)", "x", pattern)
    pattern = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), pattern)
    return "/" + pattern.replace("^", "").replace("$", "").replace("\\", "")


def all_routes() -> list[str]:
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)
    return sorted({_concrete(r) for r in walk(get_resolver().url_patterns)})


def _deep(n):
    return "[" * n + "]" * n


JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
BODIES = {
    "deep json": (JSON, _deep(100_000)),
    "lone surrogate json": (JSON, json.dumps({f: "\ud800" + MARK for f in FIELDS}, ensure_ascii=True)),
    "nul json": (JSON, json.dumps({f: "a\x00" + MARK for f in FIELDS})),
    "huge numbers json": (JSON, '{"name": 1e999999, "revision": ' + "9" * 5000 + ', "page": -1e400}'),
    "huge ints json": (JSON, json.dumps({f: 2 ** 80 for f in FIELDS})),
    "wrong types json": (JSON, json.dumps({f: [{"x": MARK}] for f in FIELDS})),
    "nul form": (FORM, "&".join(f"{f}=a%00{MARK}" for f in FIELDS)),
    "invalid utf8 form": (FORM, "&".join(f"{f}=%ED%A0%80%FF" for f in FIELDS)),
    "huge number form": (FORM, "&".join(f"{f}={'9' * 5000}" for f in FIELDS)),
    "form sent as json": (JSON, "&".join(f"{f}={MARK}" for f in FIELDS)),
    "json sent as xml": ("text/xml", json.dumps({"name": MARK})),
    "bad multipart": ("multipart/form-data; boundary=", "--\r\n" + MARK),
    "bad charset": (JSON + "; charset=x-bogus", json.dumps({"name": MARK})),
    "10 MB json": (JSON, '{"name": "' + "a" * (10 * 1024 * 1024) + '"}'),
}
QUERIES = {
    "2000 parameters": "&".join(f"p{i}={i}" for i in range(2000)),
    "hostile values": "&".join(f"{f}={MARK}" for f in FIELDS + ["time_after", "requested_before"]),
    "nul and bad utf8": "&".join(f"{f}=%00%ED%A0%80" for f in FIELDS),
    "extreme dates": "time_after=9999-12-31&time_before=9999-12-31&requested_after=0001-01-01"
                     "&requested_before=9999-12-31",
    "huge numbers": "&".join(f"{f}={'9' * 5000}" for f in FIELDS),
}
WRITE_METHODS = ("post", "put", "patch", "delete")


@pytest.fixture
def admin(ss, connector, settings):  # noqa: F811
    client = Client(raise_request_exception=False)
    sign_in_as(client, "admin", Role.ADMINISTRATOR, ss_user_id=2)
    return client


def _signed_in(client) -> Client:
    """Sign in again when a request (a logout route, a session end) signed the administrator out."""
    if "_auth_user_id" not in client.session:
        sign_in_as(client, "admin", Role.ADMINISTRATOR, ss_user_id=2)
    return client


def _problem(response, route, what) -> str | None:
    if response.status_code >= 500:
        return f"{route} {what}: HTTP {response.status_code}"
    body = b"" if getattr(response, "streaming", False) else response.content
    if MARK.encode() in body:
        return f"{route} {what}: the hostile input came back unescaped"
    return None


def test_no_route_answers_5xx_or_echoes_hostile_input(admin):
    routes = all_routes()
    assert len(routes) >= 30 and "/api/connector/endpoints/1/" in routes
    problems, started, count = [], time.monotonic(), 0
    for route in routes:
        if route.startswith("/admin/x"):  # the admin's catch-all redirect; covered by its real routes
            continue
        for what, query in QUERIES.items():
            response = _signed_in(admin).get(f"{route}?{query}")
            count += 1
            problems.append(_problem(response, route, f"GET {what}"))
        for method in WRITE_METHODS:
            for what, (content_type, body) in BODIES.items():
                if what == "10 MB json" and method != "post":  # one method is enough for the size cap
                    continue
                response = _signed_in(admin).generic(method.upper(), route, body.encode("utf-8"), content_type=content_type)
                count += 1
                problems.append(_problem(response, route, f"{method.upper()} {what}"))
    problems = [p for p in problems if p]
    # the administrator really was signed in: the deepest JSON reached the API's parser
    deep = _signed_in(admin).generic("PATCH", "/api/connector/settings/", BODIES["deep json"][1].encode(),
                                     content_type=JSON)
    assert deep.status_code == 400 or deep.status_code >= 500
    assert not problems, f"{len(problems)} of {count} requests:\n" + "\n".join(problems[:60])
    assert time.monotonic() - started < 240
