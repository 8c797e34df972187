"""Lists walk pages by hasNext/nextSkip (§8), never trusting `take`, with a cap."""
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from connector.secretserver import UnexpectedResponse
from ss_unit_helpers import API, make_client


def paged(total, page):
    """A server that ignores `take` and serves `page` records per call."""
    def cb(request):
        q = parse_qs(urlsplit(request.url).query)
        skip = int(q.get("skip", ["0"])[0])
        recs = [{"id": i, "userName": f"u{i}"} for i in range(skip, min(total, skip + page))]
        return 200, {"Content-Type": "application/json"}, json.dumps({
            "success": True, "skip": skip, "take": page, "total": total, "records": recs,
            "hasNext": skip + page < total, "nextSkip": skip + page})
    return cb


def test_walks_every_page_even_when_take_is_ignored():
    c = make_client()
    with responses.RequestsMock() as r:
        r.add_callback(responses.GET, API + "/users", callback=paged(7, 3))
        users = c.search_users(search_text="u")
        assert [u.id for u in users] == list(range(7))
        assert len(r.calls) == 3
        skips = [parse_qs(urlsplit(call.request.url).query)["skip"][0] for call in r.calls]
        assert skips == ["0", "3", "6"]


def test_missing_next_skip_falls_back_to_record_count():
    c = make_client()
    pages = iter([{"records": [{"id": 1}, {"id": 2}], "hasNext": True},
                  {"records": [{"id": 3}], "HasNext": False}])
    with responses.RequestsMock() as r:
        r.add_callback(responses.GET, API + "/groups",
                       callback=lambda req: (200, {"Content-Type": "application/json"}, json.dumps(next(pages))))
        assert [g.id for g in c.search_groups()] == [1, 2, 3]
        assert "skip=2" in r.calls[1].request.url


def test_a_server_that_never_stops_hits_the_cap():
    c = make_client()
    with responses.RequestsMock() as r:
        r.add_callback(responses.GET, API + "/users", callback=lambda req: (
            200, {"Content-Type": "application/json"},
            json.dumps({"records": [{"id": 1}], "hasNext": True, "nextSkip": 10**9})))
        with pytest.raises(UnexpectedResponse, match="pages"):
            list(c._pages("/users", max_pages=5))
        assert len(r.calls) == 5


def test_empty_page_with_has_next_stops():
    c = make_client()
    with responses.RequestsMock() as r:
        r.get(API + "/users", json={"records": [], "hasNext": True, "nextSkip": 0})
        assert c.search_users() == ()
        assert len(r.calls) == 1


def test_bad_record_is_unexpected():
    c = make_client()
    with responses.RequestsMock() as r:
        r.get(API + "/users", json={"records": [{"userName": "no id"}], "hasNext": False})
        with pytest.raises(UnexpectedResponse):
            c.search_users()
