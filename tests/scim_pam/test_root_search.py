"""Root search (RFC 7644 §3.4.2.1, ``POST /v2/.search`` and ``GET /v2/``) covers every served resource type.

Every resource type the service announces has a store (scim/storage.py): none is left out silently.
"""
from __future__ import annotations

from urllib.parse import quote

from scim.pam.schemas import CONTAINER_SCHEMA
from scim.provider import RESOURCE_TYPES
from scim.storage import RESOURCE_STORES

SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
PASSWORD = "Root-Search-Pa55word-4410!"


def test_every_announced_resource_type_has_a_store():
    assert {rt.name for rt in RESOURCE_TYPES} == set(RESOURCE_STORES)


def test_root_search_finds_every_served_resource_type(scim, ss_app):
    box = int(scim.post("/v2/Containers", {"schemas": [CONTAINER_SCHEMA], "name": "Root Box"}).json_body["id"])
    ss_app.create_secret(ss_app.secret_stub(9, box), name="root secret", folder_id=box,
                         fields={"url": "https://x", "username": "u", "password": PASSWORD})
    found = scim.post("/v2/.search", {"schemas": [SEARCH], "count": 1000})
    assert found.status_code == 200, found.json_body
    types = {r["meta"]["resourceType"] for r in found.json_body["Resources"]}
    assert types == {rt.name for rt in RESOURCE_TYPES}, types
    assert found.json_body["totalResults"] == len(found.json_body["Resources"])
    assert PASSWORD not in found.content.decode()  # PrivilegedData never carries sensitive values


def test_root_search_filters_and_pages_across_types(scim):
    scim.post("/v2/Containers", {"schemas": [CONTAINER_SCHEMA], "name": "Paged Box"})
    by_name = scim.post("/v2/.search", {"schemas": [SEARCH], "filter": 'userName eq "admin"'}).json_body
    assert [(r["meta"]["resourceType"], r["userName"]) for r in by_name["Resources"]] == [("User", "admin")]
    everything = scim.post("/v2/.search", {"schemas": [SEARCH], "count": 1000}).json_body
    first = scim.post("/v2/.search", {"schemas": [SEARCH], "count": 2, "startIndex": 1}).json_body
    assert first["totalResults"] == everything["totalResults"] and len(first["Resources"]) == 2
    via_get = scim.get("/v2/?filter=" + quote('userName eq "admin"'))
    assert via_get.status_code == 200 and via_get.json_body["totalResults"] == 1


def test_discovery_stays_truthful(scim):
    """ResourceTypes lists exactly the served types; the User schema says ``groups`` is readOnly (served on
    single reads and on ``attributes=groups``); ServiceProviderConfig still announces what is served."""
    types = {t["id"]: t["endpoint"] for t in scim.get("/v2/ResourceTypes").json_body["Resources"]}
    assert set(types) == set(RESOURCE_STORES) and types["User"] == "/Users"
    user_schema = scim.get("/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User").json_body
    groups = next(a for a in user_schema["attributes"] if a["name"] == "groups")
    assert groups["mutability"] == "readOnly" and groups["multiValued"] is True
    config = scim.get("/v2/ServiceProviderConfig").json_body
    assert config["filter"]["supported"] and config["sort"]["supported"] and config["bulk"]["supported"]
