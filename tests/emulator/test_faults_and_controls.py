"""Fault injection and the /_emulator/ controls."""
import time

import pytest
import requests

HEALTH = "/api/v1/healthcheck"


def get(emulator, path=HEALTH):
    return requests.get(emulator.url + path, timeout=5)


def test_status_fault_returns_the_500_body_then_recovers(emulator):
    emulator.inject_fault(kind="status", status=500, count=2)
    for _ in range(2):
        response = get(emulator)
        assert response.status_code == 500
        assert set(response.json()) == {"message", "exceptionMessage", "exceptionType", "stackTrace"}
    assert get(emulator).json()["Healthy"] is True
    assert [r.fault for r in emulator.requests] == ["status", "status", None]


def test_503_fault_via_http_control(emulator):
    added = requests.post(f"{emulator.url}/_emulator/faults", json={"kind": "status", "status": 503}, timeout=5)
    assert added.json()["faults"][0]["kind"] == "status"
    assert get(emulator).status_code == 503
    assert get(emulator).status_code == 200


def test_latency_fault_delays_but_answers(emulator):
    emulator.inject_fault(kind="latency", latency_ms=300)
    started = time.monotonic()
    assert get(emulator).json()["Healthy"] is True
    assert time.monotonic() - started >= 0.3


def test_drop_fault_closes_the_connection(emulator):
    emulator.inject_fault(kind="drop")
    with pytest.raises(requests.ConnectionError):
        get(emulator)
    assert get(emulator).status_code == 200


def test_truncate_fault_sends_a_short_body(emulator):
    emulator.inject_fault(kind="truncate")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        get(emulator)
    assert get(emulator).status_code == 200


def test_malformed_fault_sends_invalid_json(emulator):
    emulator.inject_fault(kind="malformed")
    response = get(emulator)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        response.json()


def test_html_fault_sends_an_iis_page_with_200(emulator):
    emulator.inject_fault(kind="html")
    response = get(emulator)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert "IIS" in response.text


def test_path_prefix_limits_the_fault_and_controls_are_never_faulted(emulator):
    emulator.inject_fault(kind="status", path_prefix="/api/v1/version")
    assert requests.get(f"{emulator.url}/_emulator/clock", timeout=5).status_code == 200
    assert get(emulator).status_code == 200
    assert get(emulator, "/api/v1/version").status_code == 500


def test_clear_faults_over_http(emulator):
    emulator.inject_fault(kind="status", count=5)
    assert requests.delete(f"{emulator.url}/_emulator/faults", timeout=5).json() == {"faults": []}
    assert get(emulator).status_code == 200


def test_bad_fault_is_rejected(emulator):
    response = requests.post(f"{emulator.url}/_emulator/faults", json={"kind": "gremlins"}, timeout=5)
    assert response.status_code == 400 and "kind" in response.json()["modelState"]


def test_clock_control_moves_time(emulator):
    before = requests.get(f"{emulator.url}/_emulator/clock", timeout=5).json()
    after = requests.post(f"{emulator.url}/_emulator/clock", json={"advanceSeconds": 86400}, timeout=5).json()
    assert after["offsetSeconds"] == before["offsetSeconds"] + 86400 and after["now"][:10] > before["now"][:10]


def test_reset_control_restores_the_seed(emulator, app):
    app.ok("POST", "/api/v1/folders", json={"folderName": "Temp", "folderTypeId": 1, "parentFolderId": -1})
    emulator.advance_clock(100)
    emulator.inject_fault(kind="status", path_prefix="/api/v1/version")
    assert requests.post(f"{emulator.url}/_emulator/reset", timeout=5).status_code == 200
    assert emulator.state.folders == {} and emulator.state.clock_offset == 0
    assert get(emulator, "/api/v1/version").status_code == 200
    assert app.get("/api/v1/users/current").status_code == 403  # tokens are gone too


def test_requests_log_over_http(emulator):
    before = time.time()
    get(emulator, "/api/v1/version?x=1")
    after = time.time()
    log = requests.get(f"{emulator.url}/_emulator/requests", timeout=5).json()["requests"]
    at = log[0].pop("at")
    assert log == [{"method": "GET", "path": "/api/v1/version", "query": {"x": "1"}, "status": 200, "user": None,
                    "fault": None}]
    assert before <= at <= after  # when the call arrived: a client can match calls to its own requests


def test_user_controls(emulator):
    for action, key, value in (("lock", "isLockedOut", True), ("unlock", "isLockedOut", False),
                               ("disable", "enabled", False), ("expire-password", "passwordExpired", True)):
        body = requests.post(f"{emulator.url}/_emulator/users/bob/{action}", timeout=5).json()
        assert body[key] is value
    assert requests.post(f"{emulator.url}/_emulator/users/nobody/lock", timeout=5).status_code == 404


def test_a_fault_can_target_one_http_method(emulator):
    """So a test can slow a write without slowing the read of the same path before it."""
    emulator.inject_fault(kind="status", status=503, method="post", path_prefix=HEALTH)
    assert get(emulator).status_code == 200  # a GET passes by
    assert requests.post(emulator.url + HEALTH, timeout=5).status_code == 503
    added = requests.post(f"{emulator.url}/_emulator/faults", json={"kind": "status", "status": 503,
                                                                     "method": "DELETE"}, timeout=5)
    assert added.json()["faults"][0]["method"] == "DELETE"
    assert get(emulator).status_code == 200
