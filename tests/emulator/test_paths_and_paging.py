"""Case-insensitive paths/query/body, trailing slashes, the paging envelope and generic errors (§0, §8)."""
import pytest

from .conftest import assert_paging


@pytest.mark.parametrize("path", ["/api/v1/users/current", "/API/V1/Users/Current", "/api/v1/users/current/"])
def test_paths_are_case_insensitive_and_tolerate_a_trailing_slash(app, path):
    assert app.ok("GET", path)["userName"] == "scim-app"


def test_query_names_are_case_insensitive_and_paging_prefix_is_accepted(app):
    for query in ("filter.searchText=ali", "FILTER.SEARCHTEXT=ali", "paging.filter.searchtext=ali"):
        body = app.ok("GET", f"/api/v1/users?{query}")
        assert [u["userName"] for u in body["records"]] == ["alice"]


def test_body_keys_are_case_insensitive(app):
    folder = app.ok("POST", "/api/v1/Folders/", json={"FolderName": "Mixed", "FolderTypeID": 1, "PARENTFOLDERID": -1})
    assert folder["folderName"] == "Mixed" and folder["parentFolderId"] == -1


@pytest.mark.parametrize("skip,take,total,expected", [
    (0, 3, 8, dict(pageCount=3, currentPage=1, nextSkip=3, prevSkip=0, hasNext=True, hasPrev=False, n=3)),
    (3, 3, 8, dict(pageCount=3, currentPage=2, nextSkip=6, prevSkip=0, hasNext=True, hasPrev=True, n=3)),
    (6, 3, 8, dict(pageCount=3, currentPage=3, nextSkip=9, prevSkip=3, hasNext=False, hasPrev=True, n=2)),
    (0, 999999999, 8, dict(pageCount=1, currentPage=1, nextSkip=999999999, prevSkip=0, hasNext=False,
                           hasPrev=False, n=8)),
])
def test_paging_arithmetic_matches_the_decisions_table(app, skip, take, total, expected):
    # 8 enabled local users (frank is disabled; grace.hopper is a directory user)
    body = app.ok("GET", f"/api/v1/users?skip={skip}&take={take}&filter.domainId=-1")
    assert_paging(body, total, skip, take)
    n = expected.pop("n")
    assert {k: body[k] for k in expected} == expected
    assert len(body["records"]) == n and body["batchCount"] == body["pageCount"]


def test_paging_defaults_and_sort(app):
    body = app.ok("GET", "/api/v1/users?paging.sortBy[0].name=userName&paging.sortBy[0].direction=desc")
    assert body["take"] == 10 and body["sortBy"] == [{"name": "userName", "direction": "Desc", "priority": 0}]
    names = [u["userName"] for u in body["records"]]
    assert names == sorted(names, reverse=True)


def test_unknown_route_and_wrong_method(app):
    missing = app.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and "message" in missing.json()
    wrong = app.call("PATCH", "/api/v1/users/current")
    assert wrong.status_code == 405 and "http method" in wrong.json()["message"]


def test_invalid_json_body_is_a_validation_error(app):
    response = app.call("POST", "/api/v1/folders", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["message"] == "The request is invalid." and "args" in response.json()["modelState"]


def test_only_fields_of_the_response_can_be_sorted_on(app):
    """A stored field the response does not show (the password) must not order the results."""
    by_password = app.ok("GET", "/api/v1/users?take=100&sortBy[0].name=password&sortBy[0].direction=desc")
    natural = app.ok("GET", "/api/v1/users?take=100")
    assert [u["id"] for u in by_password["records"]] == [u["id"] for u in natural["records"]]
    by_display = app.ok("GET", "/api/v1/users?take=100&sortBy[0].name=DISPLAYNAME")
    names = [u["displayName"].lower() for u in by_display["records"]]
    assert names == sorted(names)
    by_domain = app.ok("GET", "/api/v1/users?take=100&sortBy[0].name=domainName&sortBy[0].direction=desc")
    assert by_domain["records"][0]["domainName"] == "CORP"  # a model-only field: built, then sorted
