"""SCIM Users against the emulator over real HTTP: Secret Server is the source of truth.

Every test reads Secret Server's own API (``ss_admin``) to check what a SCIM call did there.
"""
from urllib.parse import quote

import pytest

from connector.models import AuditEvent
from connector.secretserver import NotFound, SecretServerClient
from scim.models import ScimResourceExtra
from tests.scim.conftest import USER_SCHEMA, ss_calls

PASSWORD = "Scim-Created-Passw0rd!"


def new_user(scim, user_name="ada@corp.local", **extra):
    body = {"schemas": [USER_SCHEMA], "userName": user_name, "name": {"givenName": "Ada", "familyName": "Lovelace"},
            "emails": [{"value": user_name, "type": "work", "primary": True}], "externalId": f"ext-{user_name}",
            "active": True, **extra}
    response = scim.post("/v2/Users", body)
    assert response.status_code == 201, response.json_body
    return response.json_body


def ss_user_named(ss_admin, user_name):
    return next(u for u in ss_admin.search_users(include_inactive=True) if u.user_name == user_name)


def test_created_user_is_a_secret_server_user_who_can_sign_in(scim, ss, ss_admin):
    created = new_user(scim, password=PASSWORD, displayName="Ada L.")
    user = ss_admin.get_user(int(created["id"]), include_inactive=True)
    assert (user.user_name, user.display_name, user.email_address, user.enabled) == (
        "ada@corp.local", "Ada L.", "ada@corp.local", True)
    assert SecretServerClient(ss.url).password_grant("ada@corp.local", PASSWORD).access_token
    assert created["name"] == {"givenName": "Ada", "familyName": "Lovelace"}  # kept by the connector
    assert "password" not in created


def test_user_created_without_password_gets_one_meeting_the_policy(scim, ss_admin):
    created = new_user(scim, user_name="nopw@corp.local")
    assert ss_admin.get_user(int(created["id"])).enabled


def test_write_is_audited_with_the_endpoint_as_actor_and_no_password(scim):
    new_user(scim, password=PASSWORD)
    rows = list(AuditEvent.objects.filter(action="scim.user.create").order_by("seq"))
    assert [r.outcome for r in rows] == ["intent", "success"]
    assert all(r.actor_name == "SCIM endpoint Okta production" for r in rows)
    assert rows[1].target_type == "ss_user" and rows[1].target_id
    assert not AuditEvent.objects.filter(message__contains=PASSWORD).exists()
    assert all(PASSWORD not in str(r.after) + str(r.before) for r in AuditEvent.objects.all())


def test_duplicate_user_name_is_409_uniqueness_and_nothing_is_created(scim, ss_admin):
    new_user(scim)
    before = len(ss_admin.search_users(include_inactive=True))
    response = scim.post("/v2/Users", {"schemas": [USER_SCHEMA], "userName": "ADA@corp.local"})
    assert response.status_code == 409
    assert response.json_body["scimType"] == "uniqueness" and response.json_body["status"] == "409"
    assert len(ss_admin.search_users(include_inactive=True)) == before


def test_existing_secret_server_user_name_is_409(scim):
    response = scim.post("/v2/Users", {"schemas": [USER_SCHEMA], "userName": "Alice"})
    assert response.status_code == 409 and response.json_body["scimType"] == "uniqueness"


def test_okta_deactivate_disables_and_keeps_the_user_visible(scim, ss_admin):
    created = new_user(scim)
    response = scim.patch(f"/v2/Users/{created['id']}", [{"op": "replace", "value": {"active": False}}])
    assert response.status_code == 200 and response.json_body["active"] is False
    assert ss_admin.get_user(int(created["id"]), include_inactive=True).enabled is False
    listed = scim.get('/v2/Users?filter=' + quote('active eq false')).json_body
    assert created["id"] in [r["id"] for r in listed["Resources"]]
    assert scim.get(f"/v2/Users/{created['id']}").json_body["active"] is False
    reactivated = scim.patch(f"/v2/Users/{created['id']}", [{"op": "Replace", "path": "active", "value": "True"}])
    assert reactivated.json_body["active"] is True
    assert ss_admin.get_user(int(created["id"])).enabled is True


def test_delete_disables_in_secret_server_then_404_and_absent_and_recreate_reuses_the_user(scim, ss_admin):
    created = new_user(scim)
    assert scim.delete(f"/v2/Users/{created['id']}").status_code == 204
    user = ss_admin.get_user(int(created["id"]), include_inactive=True)  # still there, disabled
    assert user.enabled is False
    assert scim.get(f"/v2/Users/{created['id']}").status_code == 404
    assert scim.delete(f"/v2/Users/{created['id']}").status_code == 404
    listed = scim.get("/v2/Users?count=1000").json_body
    assert created["id"] not in [r["id"] for r in listed["Resources"]]
    again = new_user(scim, displayName="Ada Again")
    assert again["id"] == created["id"] and again["active"] is True
    user = ss_admin.get_user(int(created["id"]))
    assert user.enabled and user.display_name == "Ada Again"


def test_user_name_cannot_change(scim):
    created = new_user(scim)
    response = scim.put(f"/v2/Users/{created['id']}", {**created, "userName": "other@corp.local"})
    assert response.status_code == 400 and response.json_body["scimType"] == "mutability"


def test_put_replaces_mapped_fields_in_secret_server(scim, ss_admin):
    created = new_user(scim)
    body = {"schemas": [USER_SCHEMA], "userName": "ada@corp.local", "displayName": "Countess",
            "emails": [{"value": "countess@corp.local", "type": "work", "primary": True}], "active": True}
    response = scim.put(f"/v2/Users/{created['id']}", body)
    assert response.status_code == 200 and response.json_body["displayName"] == "Countess"
    user = ss_admin.get_user(int(created["id"]))
    assert (user.display_name, user.email_address) == ("Countess", "countess@corp.local")
    assert "name" not in response.json_body  # a PUT replaces: attributes left out are gone


def test_entra_patch_dialects(scim, ss_admin):
    created = new_user(scim)
    urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    response = scim.patch(f"/v2/Users/{created['id']}", [
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ada.new@corp.local"},
        {"op": "Replace", "path": "name.familyName", "value": "Byron"},
        {"op": "Add", "path": f"{urn}:department", "value": "Maths"},
        {"op": "replace", "value": {"displayName": "Ada B", "name.givenName": "Augusta"}}])
    assert response.status_code == 200, response.json_body
    body = response.json_body
    assert body["name"] == {"givenName": "Augusta", "familyName": "Byron"} and body[urn] == {"department": "Maths"}
    user = ss_admin.get_user(int(created["id"]))
    assert (user.email_address, user.display_name) == ("ada.new@corp.local", "Ada B")


def test_password_patch_changes_the_secret_server_password(scim, ss):
    created = new_user(scim)
    response = scim.patch(f"/v2/Users/{created['id']}", [{"op": "replace", "value": {"password": PASSWORD}}])
    assert response.status_code == 200 and "password" not in response.json_body
    assert SecretServerClient(ss.url).password_grant("ada@corp.local", PASSWORD).access_token


def test_password_refused_by_the_policy_is_400_invalid_value(scim):
    created = new_user(scim)
    response = scim.patch(f"/v2/Users/{created['id']}", [{"op": "replace", "path": "password", "value": "short"}])
    assert response.status_code == 400 and response.json_body["scimType"] == "invalidValue"


def test_directory_user_is_listed_but_refused_for_writes(scim, ss_admin):
    grace = ss_user_named(ss_admin, "grace.hopper")
    shown = scim.get(f"/v2/Users/{grace.id}")
    assert shown.status_code == 200 and shown.json_body["userName"] == "grace.hopper"
    response = scim.patch(f"/v2/Users/{grace.id}", [{"op": "replace", "value": {"active": False}}])
    assert response.status_code == 400 and response.json_body["scimType"] == "mutability"
    assert ss_admin.get_user(grace.id).enabled is True
    assert scim.delete(f"/v2/Users/{grace.id}").status_code == 400


def test_application_accounts_are_not_scim_users(scim, ss_admin):
    app = ss_user_named(ss_admin, "scim-app")
    assert scim.get(f"/v2/Users/{app.id}").status_code == 404
    names = [r["userName"] for r in scim.get("/v2/Users?count=1000").json_body["Resources"]]
    assert "scim-app" not in names and "alice" in names


def test_extras_are_stored_per_endpoint_by_secret_server_id(scim):
    created = new_user(scim, phoneNumbers=[{"value": "+44 1", "type": "mobile"}])
    row = ScimResourceExtra.objects.get(resource_type="User", ss_id=int(created["id"]))
    assert row.external_id == "ext-ada@corp.local" and row.data["phoneNumbers"] == [{"value": "+44 1", "type": "mobile"}]
    assert "password" not in row.data and "userName" not in row.data


# --- filters, paging, sorting, projection -----------------------------------------------------------------
def search(scim, text, **params):
    query = "&".join([f"filter={quote(text)}"] + [f"{k}={quote(str(v))}" for k, v in params.items()])
    return scim.get(f"/v2/Users?{query}")


@pytest.mark.parametrize("text, expected", [
    ('userName eq "ALICE"', ["alice"]),
    ('userName eq "nobody"', []),
    ('emails[type eq "work"].value eq "bob@example.test"', ["bob"]),
    ('displayName eq "Alice Archer"', ["alice"]),
    ('userName sw "ca" or userName ew "ve"', ["carol", "dave"]),
    ('userName co "ric" and not (active eq false)', []),
    ('userName eq "alice" or userName eq "bob"', ["alice", "bob"]),
    ('active eq false', ["alan.turing", "frank"]),  # both disabled in the seed
])
def test_filters_are_exact(scim, text, expected):
    response = search(scim, text)
    assert response.status_code == 200, response.json_body
    assert sorted(r["userName"] for r in response.json_body["Resources"]) == expected
    assert response.json_body["totalResults"] == len(expected)


def test_external_id_filter(scim):
    created = new_user(scim)
    body = search(scim, 'externalId eq "ext-ada@corp.local"').json_body
    assert [r["id"] for r in body["Resources"]] == [created["id"]]
    assert search(scim, 'externalId eq "EXT-ada@corp.local"').json_body["totalResults"] == 0  # caseExact


def test_last_modified_filter(scim):
    created = new_user(scim)
    since = created["meta"]["created"]
    body = search(scim, f'meta.lastModified ge "{since}"').json_body
    assert created["id"] in [r["id"] for r in body["Resources"]]


def test_unknown_filter_attribute_is_400_invalid_filter(scim):
    response = search(scim, 'shoeSize eq "42"')
    assert response.status_code == 400 and response.json_body["scimType"] == "invalidFilter"
    assert search(scim, 'userName eq').json_body["scimType"] == "invalidFilter"


def test_paging_is_one_based_stable_and_counts_every_match(scim):
    everyone = scim.get("/v2/Users?count=1000").json_body
    total = everyone["totalResults"]
    ids = [r["id"] for r in everyone["Resources"]]
    assert len(ids) == total == len(set(ids))
    walked = []
    for start in range(1, total + 1, 3):
        page = scim.get(f"/v2/Users?startIndex={start}&count=3").json_body
        assert page["startIndex"] == start and page["totalResults"] == total
        walked += [r["id"] for r in page["Resources"]]
    assert walked == ids
    zero = scim.get("/v2/Users?count=0").json_body
    assert zero["totalResults"] == total and zero["itemsPerPage"] == 0 and not zero.get("Resources")
    filtered = search(scim, 'userName sw "a"', startIndex=2, count=1).json_body
    assert filtered["totalResults"] == 3 and filtered["itemsPerPage"] == 1  # admin, alice, alan.turing


def test_count_is_capped_by_max_results(scim, settings):
    settings.SCIM_MAX_RESULTS = 2
    body = scim.get("/v2/Users?count=50").json_body
    assert body["itemsPerPage"] == 2 and body["totalResults"] > 2


def test_sort_by_user_name_descending(scim):
    body = scim.get("/v2/Users?sortBy=userName&sortOrder=descending&count=3").json_body
    names = [r["userName"] for r in body["Resources"]]
    assert names == sorted(names, reverse=True) and names[0] == "grace.hopper"


def test_attributes_and_excluded_attributes(scim):
    body = scim.get("/v2/Users?attributes=userName&count=1").json_body
    assert set(body["Resources"][0]) <= {"schemas", "id", "userName", "meta"}
    body = scim.get("/v2/Users?excludedAttributes=emails,displayName&count=1").json_body
    assert "emails" not in body["Resources"][0] and "displayName" not in body["Resources"][0]


def test_post_search(scim):
    response = scim.post("/v2/Users/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                                               "filter": 'userName eq "bob"', "startIndex": 1, "count": 10})
    assert response.status_code == 200 and [r["userName"] for r in response.json_body["Resources"]] == ["bob"]


# --- ETags ------------------------------------------------------------------------------------------------
def test_weak_etag_and_if_match(scim):
    created = new_user(scim)
    got = scim.get(f"/v2/Users/{created['id']}")
    etag = got["ETag"]
    assert etag.startswith('W/"') and etag == got.json_body["meta"]["version"]
    stale = scim.patch(f"/v2/Users/{created['id']}", [{"op": "replace", "path": "displayName", "value": "X"}],
                       headers={"If-Match": 'W/"stale"'})
    assert stale.status_code == 412
    ok = scim.patch(f"/v2/Users/{created['id']}", [{"op": "replace", "path": "displayName", "value": "X"}],
                    headers={"If-Match": etag})
    assert ok.status_code == 200 and ok["ETag"] != etag
    assert scim.get(f"/v2/Users/{created['id']}", headers={"If-None-Match": ok["ETag"]}).status_code == 304


# --- Secret Server calls per SCIM request (pinned) ----------------------------------------------------------
def test_secret_server_calls_per_request(scim, ss):
    created = new_user(scim)  # warms the application account's token and the settings cache
    ss.clear_requests()
    scim.get('/v2/Users?filter=' + quote('userName eq "bob"'))
    assert ss_calls(ss) == ["GET /api/v1/users"]
    ss.clear_requests()
    scim.get(f"/v2/Users/{created['id']}")  # the user, then its groups (readOnly "groups", RFC 7643 §4.1.2)
    assert ss_calls(ss) == [f"GET /api/v1/users/{created['id']}", f"GET /api/v1/users/{created['id']}/groups"]
    ss.clear_requests()
    scim.get(f"/v2/Users/{created['id']}?excludedAttributes=groups")
    assert ss_calls(ss) == [f"GET /api/v1/users/{created['id']}"]
    ss.clear_requests()
    scim.patch(f"/v2/Users/{created['id']}", [{"op": "replace", "value": {"active": False}}])
    assert ss_calls(ss) == [f"GET /api/v1/users/{created['id']}", f"PUT /api/v1/users/{created['id']}"]
    ss.clear_requests()
    scim.get("/v2/Users?count=2&startIndex=1")  # Okta's connection test: one walk, then cached
    first = len(ss_calls(ss))
    ss.clear_requests()
    scim.get("/v2/Users?count=2&startIndex=3")
    scim.get('/v2/Users?filter=' + quote('userName eq "carol"'))
    assert first >= 1 and ss_calls(ss) == []  # served from the endpoint's cached list


def test_a_write_drops_the_cached_list(scim, ss):
    scim.get("/v2/Users?count=1")
    new_user(scim, user_name="fresh@corp.local")
    body = scim.get('/v2/Users?filter=' + quote('userName eq "fresh@corp.local"')).json_body
    assert body["totalResults"] == 1


def test_unknown_user_is_404_scim_error(scim):
    for path in ("/v2/Users/999999", "/v2/Users/not-a-number"):
        response = scim.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/scim+json"
        assert response.json_body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
        assert response.json_body["status"] == "404"


def test_not_found_from_secret_server_is_not_found(ss_admin):
    with pytest.raises(NotFound):
        ss_admin.get_user(999999)


def test_user_enabled_again_in_secret_server_is_back_and_stays_back(scim, ss_admin):
    created = new_user(scim)
    scim.delete(f"/v2/Users/{created['id']}")
    user = ss_admin.get_user(int(created["id"]), include_inactive=True)
    ss_admin.update_user(user, enabled=True)  # an administrator enables the user in Secret Server
    assert scim.get(f"/v2/Users/{created['id']}").status_code == 200
    ss_admin.update_user(user, enabled=False)  # and disables it later: visible as inactive, not deleted
    shown = scim.get(f"/v2/Users/{created['id']}")
    assert shown.status_code == 200 and shown.json_body["active"] is False


def test_secret_server_calls_header_for_benchmarks(scim, settings):
    settings.SCIM_EXPOSE_SS_CALLS = True
    assert scim.get("/v2/Users/5")["X-Secret-Server-Calls"] == "2"  # the user and its groups
    assert scim.get("/v2/Users/5?attributes=userName")["X-Secret-Server-Calls"] == "1"
    settings.SCIM_EXPOSE_SS_CALLS = False
    assert "X-Secret-Server-Calls" not in scim.get("/v2/Users/5")


# --- groups (readOnly, RFC 7643 §4.1.2) ---------------------------------------------------------------------
def _group(scim, name, member_ids):
    from tests.scim.conftest import GROUP_SCHEMA

    response = scim.post("/v2/Groups", {"schemas": [GROUP_SCHEMA], "displayName": name,
                                        "members": [{"value": m} for m in member_ids]})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def test_a_single_user_read_carries_its_groups_without_everyone_or_personal_groups(scim, ss, ss_admin):
    created = new_user(scim)
    other = new_user(scim, user_name="other@corp.local")
    team = _group(scim, "Team A", [created["id"]])
    ops = _group(scim, "Ops", [created["id"], other["id"]])
    _group(scim, "Not hers", [other["id"]])
    body = scim.get(f"/v2/Users/{created['id']}").json_body
    assert [(g["value"], g["display"], g["type"]) for g in body["groups"]] == sorted(
        [(team, "Team A", "direct"), (ops, "Ops", "direct")], key=lambda g: int(g[0]))
    assert body["groups"][0]["$ref"].endswith(f"/v2/Groups/{body['groups'][0]['value']}")
    everyone = [m.group_name for m in ss_admin.user_groups(int(created["id"]))]
    assert "Everyone" in everyone  # Secret Server lists it; SCIM does not
    assert all(g["display"] not in ("Everyone", created["userName"]) for g in body["groups"])
    # the same groups the Groups resource serves
    served = scim.get(f"/v2/Groups?filter=members.value eq \"{created['id']}\"").json_body["Resources"]
    assert sorted(g["id"] for g in served) == sorted(g["value"] for g in body["groups"])


def test_a_user_without_groups_has_no_groups_attribute(scim):
    created = new_user(scim)
    assert "groups" not in scim.get(f"/v2/Users/{created['id']}").json_body


def test_groups_in_lists_only_when_asked_and_then_one_call_per_user_of_the_page(scim, ss):
    created = new_user(scim)
    team = _group(scim, "Team B", [created["id"]])
    lookup = '/v2/Users?filter=' + quote(f'userName eq "{created["userName"]}"')
    scim.get(lookup)  # warm the endpoint's cached list
    ss.clear_requests()
    plain = scim.get(lookup).json_body
    assert "groups" not in plain["Resources"][0] and ss_calls(ss) == []  # Okta/Entra lookups: unchanged
    asked = scim.get(lookup + "&attributes=userName,groups").json_body
    assert asked["Resources"][0]["groups"] == [{"value": team, "display": "Team B", "type": "direct",
                                                "$ref": asked["Resources"][0]["groups"][0]["$ref"]}]
    assert ss_calls(ss) == [f"GET /api/v1/users/{created['id']}/groups"]
    ss.clear_requests()
    page = scim.get("/v2/Users?count=2&startIndex=1&attributes=groups").json_body
    assert len(page["Resources"]) == 2 and len(ss_calls(ss)) == 2  # after paging: the page's users only


def test_groups_do_not_change_the_etag_so_if_match_from_a_get_works(scim):
    created = new_user(scim)
    _group(scim, "Team C", [created["id"]])
    read = scim.get(f"/v2/Users/{created['id']}")
    assert read.json_body["groups"]
    patched = scim.patch(f"/v2/Users/{created['id']}", [{"op": "replace", "value": {"displayName": "Ada"}}],
                         headers={"If-Match": read["ETag"]})
    assert patched.status_code == 200, patched.json_body


def test_groups_are_read_only_through_users(scim):
    created = new_user(scim)
    patched = scim.patch(f"/v2/Users/{created['id']}", [{"op": "add", "path": "groups", "value": [{"value": "1"}]}])
    assert patched.status_code == 400 and patched.json_body["scimType"] == "mutability"
    assert "groups" not in scim.get(f"/v2/Users/{created['id']}").json_body


def test_filtering_or_sorting_users_by_groups_is_a_clear_400(scim):
    for query in ('filter=' + quote('groups.value eq "3"'), "sortBy=groups.value"):
        response = scim.get(f"/v2/Users?{query}")
        assert response.status_code == 400 and response.json_body["scimType"] == "invalidFilter", query
        assert "members.value" in response.json_body["detail"]


# --- userName lookups from the endpoint's cached list (bench/scim_throughput.py) ---------------------------
def _lookup(scim, user_name):
    return scim.get('/v2/Users?filter=' + quote(f'userName eq "{user_name}"')).json_body


def test_lookups_share_one_list_call_and_match_exactly(scim, ss):
    new_user(scim, user_name="ada@corp.local")
    ss.clear_requests()
    first = _lookup(scim, "ADA@corp.local")  # loads the endpoint's list once
    assert ss_calls(ss) == ["GET /api/v1/users"]
    ss.clear_requests()
    again = _lookup(scim, "ada@corp.local")
    other = _lookup(scim, "bob")
    assert ss_calls(ss) == []  # both answered from the cached list
    assert first["totalResults"] == again["totalResults"] == other["totalResults"] == 1
    assert again["Resources"][0]["userName"] == "ada@corp.local" and other["Resources"][0]["userName"] == "bob"
    assert _lookup(scim, "ada")["totalResults"] == 0  # a part of a name is no match (eq is whole)


def test_a_lookup_that_finds_nothing_in_the_cached_list_asks_secret_server(scim, ss, ss_admin):
    _lookup(scim, "bob")  # the list is cached now
    ss_admin.create_user("direct@corp.local", "Made in Secret Server", "Direct-Passw0rd!1")
    ss.clear_requests()
    found = _lookup(scim, "direct@corp.local")  # created in Secret Server a moment ago: found at once
    assert found["totalResults"] == 1 and found["Resources"][0]["userName"] == "direct@corp.local"
    assert ss_calls(ss) == ["GET /api/v1/users"]  # the fresh search by name (the cached list had no match)
    ss.clear_requests()
    assert _lookup(scim, "nobody@corp.local")["totalResults"] == 0
    assert ss_calls(ss) == ["GET /api/v1/users"]  # "no such user" always comes from Secret Server


def test_without_list_caching_a_lookup_asks_secret_server_by_name_never_the_whole_list(scim, ss, settings):
    settings.SCIM_CACHE_SECONDS = 0
    for name in ("bob", "carol"):
        ss.clear_requests()
        assert _lookup(scim, name)["totalResults"] == 1
        calls = [r for r in ss.requests if not r.path.startswith("/_emulator")]
        assert [(r.method, r.path) for r in calls] == [("GET", "/api/v1/users")]
        assert {k.lower(): v for k, v in calls[0].query.items()}.get("filter.searchtext") in (name, [name])
