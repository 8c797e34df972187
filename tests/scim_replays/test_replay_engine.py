"""The replay engine itself: its matchers and protocol rules must catch what they claim to catch."""
import json

import pytest

from tests.scim_replays.replay import Response, build_url, match, protocol_problems, replay, substitute

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
SCIM = {"content-type": "application/scim+json"}


@pytest.mark.parametrize("expected, actual", [
    ({"a": 1}, {"a": 1, "b": 2}),
    ({"active": False}, {"active": False}),
    ([{"value": "1"}], [{"value": "2"}, {"value": "1", "display": "x"}]),
    ({"members": {"$empty": True}}, {}),
    ({"members": {"$empty": True}}, {"members": []}),
    ({"members": {"$set_of": {"value": []}}}, {}),
    ({"members": {"$set_of": {"value": ["1", "2"]}}}, {"members": [{"value": "2"}, {"value": "1"}]}),
    ({"password": {"$absent": True}}, {"userName": "x"}),
    ({"n": {"$type": "int", "$gte": 1}}, {"n": 3}),
    ({"s": {"$ieq": "ABC"}}, {"s": "abc"}),
    ({"Resources": {"$len": 1, "$each": {"id": "5"}}}, {"Resources": [{"id": "5", "x": 1}]}),
    ({"l": {"$contains": {"id": "5"}}}, {"l": [{"id": "4"}, {"id": "5"}]}),
    ({"R": {"$each": {"id": {"$none_of": ["1", "2"]}}}}, {"R": [{"id": "3"}, {"id": "4"}]}),
])
def test_matches(expected, actual):
    assert match(expected, actual) == []


@pytest.mark.parametrize("expected, actual", [
    ({"a": 1}, {"b": 1}),
    ({"active": False}, {"active": "False"}),  # strict: a string is not a boolean
    ({"n": 1}, {"n": True}),
    ({"active": True}, {"active": 1}),
    ([{"value": "1"}], [{"value": "2"}]),
    ({"members": {"$empty": True}}, {"members": [{"value": "1"}]}),
    ({"members": {"$set_of": {"value": ["1"]}}}, {"members": [{"value": "1"}, {"value": "2"}]}),
    ({"password": {"$absent": True}}, {"password": "x"}),
    ({"n": {"$type": "int"}}, {"n": "3"}),
    ({"n": {"$type": "int"}}, {"n": True}),
    ({"Resources": {"$len": 1}}, {"Resources": []}),
    ({"Resources": {"$each": {"id": "5"}}}, {"Resources": [{"id": "5"}, {"id": "6"}]}),
    ({"s": {"$eq": ["a", "b"]}}, {"s": ["b", "a"]}),
    ({"x": {"$startswith": 'W/"'}}, {"x": '"abc"'}),
    ({"R": {"$each": {"id": {"$none_of": ["1", "2"]}}}}, {"R": [{"id": "3"}, {"id": "2"}]}),
])
def test_mismatches(expected, actual):
    assert match(expected, actual) != []


def test_substitute_keeps_the_type_of_a_whole_variable_and_interpolates_inside_strings():
    variables = {"id": "42", "n": 3}
    assert substitute({"a": "{{n}}", "b": "Users/{{id}}", "c": ["{{id}}"]}, variables) == \
        {"a": 3, "b": "Users/42", "c": ["42"]}
    with pytest.raises(KeyError):
        substitute("{{missing}}", variables)


def test_query_is_percent_encoded():
    assert build_url("/Users", {"filter": 'userName eq "a+b@x"'}) == \
        "/v2/Users?filter=userName%20eq%20%22a%2Bb%40x%22"


@pytest.mark.parametrize("response, fragment", [
    (Response(200, {"content-type": "application/json"}, "{}"), "Content-Type"),
    (Response(404, {"content-type": "text/html"}, "<h1>Not Found</h1>"), "SCIM error body"),
    (Response(400, SCIM, json.dumps({"schemas": [ERROR], "status": 400})), "string"),
    (Response(400, SCIM, json.dumps({"schemas": ["x"], "status": "400"})), "schemas"),
    (Response(401, SCIM, json.dumps({"schemas": [ERROR], "status": "401"})), "WWW-Authenticate"),
    (Response(201, SCIM, json.dumps({"password": "Sekrit-1"})), "password"),
    (Response(400, SCIM, json.dumps({"schemas": [ERROR], "status": "400", "detail":
              "1 validation error for User\nactive\n  For further information visit https://errors.pydantic.dev/"})),
     "internals"),
])
def test_protocol_rules_catch_bad_responses(response, fragment):
    problems = protocol_problems(response, ["Sekrit-1"])
    assert any(fragment in p for p in problems), problems


def test_a_good_error_passes_the_protocol_rules():
    good = Response(401, {**SCIM, "www-authenticate": 'Bearer realm="scim"'},
                    json.dumps({"schemas": [ERROR], "status": "401", "detail": "no"}))
    assert protocol_problems(good, []) == []


class _NoSecretServer:
    def check(self, check):
        return [] if check.get("ok") else ["Secret Server disagrees"]


def test_replay_reports_every_failed_step_and_aborts_on_a_missing_capture():
    answers = iter([
        Response(201, SCIM, json.dumps({"id": "7", "active": True})),
        Response(200, SCIM, json.dumps({"id": "7", "active": "False"})),
        Response(200, SCIM, json.dumps({})),
    ])
    sent = []

    def send(method, url, headers, body):
        sent.append((method, url, headers, body))
        return next(answers)

    document = {"name": "t", "steps": [
        {"request": {"method": "POST", "path": "/Users", "body": {"userName": "u", "password": "P-1"}},
         "expect": {"status": 201}, "capture": {"uid": "body.id"}, "secret_server": [{"ok": True}]},
        {"request": {"method": "PATCH", "path": "/Users/{{uid}}", "body": {}},
         "expect": {"status": 200, "body": {"active": False}}, "secret_server": [{"ok": False}]},
        {"request": {"method": "GET", "path": "/Users/{{uid}}"}, "capture": {"other": "body.id"}},
        {"request": {"method": "GET", "path": "/never"}},
    ]}
    result = replay(document, send, "tok", _NoSecretServer())
    assert [f.index for f in result.failures] == [2]
    assert any("Secret Server disagrees" in p for p in result.failures[0].problems)
    assert any("active" in p for p in result.failures[0].problems)
    assert result.aborted and "other" in result.aborted
    assert [s[1] for s in sent] == ["/v2/Users", "/v2/Users/7", "/v2/Users/7"]
    assert sent[0][2]["Authorization"] == "Bearer tok"
    assert sent[0][2]["Content-Type"] == "application/scim+json"
    assert not result.ok
