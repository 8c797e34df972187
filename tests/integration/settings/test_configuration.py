"""Configuration settings: page and API, both writing the SCIMSecret's notes in the emulator."""
import json

import pytest
from django.db import DatabaseError

from connector.configuration import ConnectorSettings
from connector.models import AuditEvent, SettingsMirror
from connector.services import configuration_service
from connector.services.configuration_service import (
    ALLOW_HTTP_IN_USE,
    CONFLICT_MESSAGE,
    MIRROR_BEHIND,
    settings_current,
)
from connector.services.connection import WEB_PASSWORD_TEMPLATE_ID, app_client

pytestmark = pytest.mark.django_db
PAGE = "/settings/configuration/"
API = "/api/connector/settings/"


def _notes(ss, configured):
    return json.loads(ss.state.secret_items(configured.secret_id)["notes"])


def _form_data(revision, **changes):
    values = {**ConnectorSettings().as_dict(), **changes}
    data = {k: v for k, v in values.items() if not isinstance(v, bool)}
    data.update({k: "on" for k, v in values.items() if v is True})
    return {**data, "revision": revision}


def _outcome_rows(action="settings.update"):
    return list(AuditEvent.objects.filter(action=action).exclude(outcome="intent").order_by("seq")
                .values_list("outcome", flat=True))


def test_the_page_shows_what_secret_server_holds(admin_client, ss, configured):
    page = admin_client.get(PAGE)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["revision"] == 1 and form.initial["bulk_max_operations"] == 1000
    assert "Bulk max operations" in page.content.decode()


def test_saving_writes_secret_server_then_the_mirror_with_one_outcome_row(admin_client, ss, configured):
    response = admin_client.post(PAGE, _form_data(1, ui_session_minutes=30, log_frequency="Daily"))
    assert response.status_code == 302
    notes = _notes(ss, configured)
    assert notes["revision"] == 2
    assert notes["settings"]["ui_session_minutes"] == 30 and notes["settings"]["log_frequency"] == "Daily"
    mirror = SettingsMirror.objects.get()
    assert mirror.revision == 2 and mirror.settings == notes["settings"]
    assert _outcome_rows() == ["success"]
    row = AuditEvent.objects.get(action="settings.update", outcome="success")
    assert row.before == {"log_frequency": "Hourly", "ui_session_minutes": 60, "revision": 1}
    assert row.after == {"log_frequency": "Daily", "ui_session_minutes": 30, "revision": 2}
    shown = admin_client.get(PAGE).context["form"].initial
    assert {k: shown[k] for k in notes["settings"]} == notes["settings"] and shown["revision"] == 2
    assert settings_current().ui_session_minutes == 30


def test_the_audit_detail_and_messages_show_each_changed_setting_old_and_new(admin_client, ss, configured):
    """A settings save reads as one "changed" line per field, never "Before: null" and two "added" lines."""
    admin_client.post(PAGE, _form_data(1, ui_session_minutes=30, log_frequency="Daily"))
    row = AuditEvent.objects.get(action="settings.update", outcome="success")
    detail = admin_client.get(f"/audit/{row.seq}/")
    lines = {(line.path, line.change, line.before, line.after) for line in detail.context["diff"]}
    assert lines == {("log_frequency", "changed", "Hourly", "Daily"), ("ui_session_minutes", "changed", 60, 30),
                     ("revision", "changed", 1, 2)}
    assert "Added" not in detail.content.decode()
    messages = admin_client.get("/messages/feed/").content.decode()
    assert "log_frequency “Hourly” → “Daily”" in messages and "ui_session_minutes 60 → 30" in messages
    assert "revision 1 → 2" in messages


@pytest.mark.parametrize(("field", "bad", "message"), [
    ("bulk_max_operations", 0, "Enter a number from 1 to 1000."),
    ("bulk_max_operations", 1001, "Enter a number from 1 to 1000."),
    ("bulk_max_payload", 1048577, "Enter a number from 1 to 1048576."),
    ("ui_session_minutes", 4, "Enter a number from 5 to 1440."),
    ("endpoint_token_days", 0, "Enter a number from 1 to 3650."),
    ("error_threshold", 0, "Enter a number from 1 to 100000."),
    ("access_window_days", 31, "Enter a number from 1 to 30."),
    ("auditors_group", "   ", "This field is required."),
    ("log_frequency", "Monthly", None),
    ("ui_session_minutes", "abc", "Enter a whole number."),
])
def test_each_setting_is_validated_next_to_its_field(admin_client, ss, configured, field, bad, message):
    response = admin_client.post(PAGE, _form_data(1, **{field: bad}))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]
    assert 'class="field__error"' in response.content.decode()
    assert _notes(ss, configured)["revision"] == 1
    assert _outcome_rows() == []


@pytest.mark.parametrize(("field", "bad", "message"), [
    ("bulk_max_operations", 0, "Enter a number from 1 to 1000."),
    ("bulk_max_payload", 0, "Enter a number from 1 to 1048576."),
    ("ui_session_minutes", 2000, "Enter a number from 5 to 1440."),
    ("endpoint_token_days", 4000, "Enter a number from 1 to 3650."),
    ("error_threshold", -1, "Enter a number from 1 to 100000."),
    ("log_frequency", "Monthly", "Choose one of: Hourly, Daily, Weekly."),
    ("auditors_group", "x" * 300, "Group names are at most 255 characters."),
    ("access_window_days", 0, "Enter a number from 1 to 30."),
])
def test_the_api_answers_400_with_field_errors(admin_client, ss, configured, field, bad, message):
    response = admin_client.patch(API, {"revision": 1, field: bad}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert _notes(ss, configured)["revision"] == 1


def test_the_api_reads_and_updates(admin_client, ss, configured):
    read = admin_client.get(API).json()
    assert read["revision"] == 1 and read["bulk_max_operations"] == 1000
    full = {**read, "error_threshold": 7}
    put = admin_client.put(API, full, content_type="application/json")
    assert put.status_code == 200 and put.json()["revision"] == 2 and put.json()["error_threshold"] == 7
    assert _notes(ss, configured)["settings"]["error_threshold"] == 7
    missing = admin_client.put(API, {"revision": 2, "error_threshold": 8}, content_type="application/json")
    assert missing.status_code == 400 and "bulk_max_operations" in missing.json()
    unknown = admin_client.patch(API, {"revision": 2, "colour": "red"}, content_type="application/json")
    assert unknown.status_code == 400 and unknown.json() == {"colour": ["Unknown setting."]}
    assert _outcome_rows() == ["success"]


def test_a_stale_form_is_refused_and_shows_the_current_values(admin_client, client, ss, configured):
    first = admin_client.get(PAGE).context["form"].initial["revision"]
    second = admin_client.get(PAGE).context["form"].initial["revision"]
    assert first == second == 1
    assert admin_client.post(PAGE, _form_data(first, error_threshold=5)).status_code == 302
    refused = admin_client.post(PAGE, _form_data(second, error_threshold=9))
    assert refused.status_code == 200
    assert CONFLICT_MESSAGE in refused.content.decode()
    shown = refused.context["form"]
    assert not shown.is_bound and shown.initial["error_threshold"] == 5 and shown.initial["revision"] == 2
    assert _notes(ss, configured)["settings"]["error_threshold"] == 5
    assert _outcome_rows() == ["success", "failure"]


def _edit_in_secret_server(ss, configured, **changes):
    """What an administrator does in Secret Server itself: rewrite the SCIMSecret's notes (revision + 1)."""
    from connector.secretserver import SecretServerClient
    from tests.conftest import DEMO_PASSWORDS

    grant = SecretServerClient(ss.url, timeout=5, retries=0).password_grant("admin", DEMO_PASSWORDS["admin"])
    person = SecretServerClient(ss.url, access_token=grant.access_token, timeout=5, retries=0)
    notes = _notes(ss, configured)
    notes["settings"].update(changes)
    notes["revision"] += 1
    person.update_secret_field(configured.secret_id, "notes", json.dumps(notes))


def test_the_page_is_served_from_the_settings_cache_without_a_secret_server_call(admin_client, ss, configured):
    admin_client.get(PAGE)  # fills the shared settings cache (one read if it was empty)
    ss.clear_requests()
    for _ in range(3):
        assert admin_client.get(PAGE).context["form"].initial["revision"] == 1
    assert [r.path for r in ss.requests if not r.path.startswith("/_emulator/")] == []


def test_a_form_loaded_from_the_cache_after_a_direct_edit_is_refused_and_nothing_is_lost(admin_client, ss,
                                                                                         configured):
    """Edited in Secret Server within the cache window: the page still shows the cached revision, but the save
    re-reads Secret Server, is refused as a conflict, shows the edited values, and leaves the edit in place."""
    admin_client.get(PAGE)
    _edit_in_secret_server(ss, configured, error_threshold=42)
    stale = admin_client.get(PAGE).context["form"].initial
    assert stale["revision"] == 1 and stale["error_threshold"] == 20  # the cached copy, ≤ 30 s old
    ss.clear_requests()
    refused = admin_client.post(PAGE, _form_data(1, ui_session_minutes=30))
    assert refused.status_code == 200 and CONFLICT_MESSAGE in refused.content.decode()
    assert any(r.method == "GET" and r.path.endswith("/fields/notes") for r in ss.requests)  # re-read before writing
    shown = refused.context["form"].initial
    assert shown["revision"] == 2 and shown["error_threshold"] == 42 and shown["ui_session_minutes"] == 60
    notes = _notes(ss, configured)
    assert notes["revision"] == 2 and notes["settings"]["error_threshold"] == 42
    assert notes["settings"]["ui_session_minutes"] == 60
    assert admin_client.get(PAGE).context["form"].initial["revision"] == 2  # the conflict refreshed the cache
    assert _outcome_rows() == ["failure"]


def test_a_save_shows_the_new_revision_at_once_without_a_secret_server_read(admin_client, ss, configured):
    admin_client.get(PAGE)
    assert admin_client.post(PAGE, _form_data(1, error_threshold=5)).status_code == 302
    ss.clear_requests()
    shown = admin_client.get(PAGE).context["form"].initial
    assert shown["revision"] == 2 and shown["error_threshold"] == 5
    assert [r.path for r in ss.requests if not r.path.startswith("/_emulator/")] == []


def test_the_local_fallback_copy_is_never_shown_as_what_secret_server_holds(admin_client, ss, configured):
    """While Secret Server does not answer, ``settings_current`` caches the mirror for 5 s; the page does not
    show that copy (its revision may be behind) but says Secret Server could not be read."""
    configuration_service.settings_cache_clear()
    ss.inject_fault("drop", count=50)
    assert settings_current().bulk_max_operations == 1000  # from the mirror, cached briefly
    page = admin_client.get(PAGE)
    assert page.context["form"] is None and page.context["load_error"]
    ss.clear_faults()


def test_a_stale_api_write_gets_409_with_the_current_values(admin_client, ss, configured):
    assert admin_client.patch(API, {"revision": 1, "error_threshold": 5},
                              content_type="application/json").status_code == 200
    stale = admin_client.patch(API, {"revision": 1, "error_threshold": 9}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["current"]["error_threshold"] == 5 and stale.json()["current"]["revision"] == 2
    assert stale.json()["detail"] == CONFLICT_MESSAGE


def _add_endpoint(configured, url):
    client = app_client()
    stub = client.secret_stub(WEB_PASSWORD_TEMPLATE_ID, configured.folder_id)
    client.create_secret(stub, name=f"endpoint {url}", folder_id=configured.folder_id,
                         fields={"url": url, "username": "idp", "password": "x-Passw0rd"})


def test_allow_http_cannot_be_switched_off_while_an_endpoint_is_http(admin_client, ss, configured):
    assert admin_client.patch(API, {"revision": 1, "allow_http_endpoints": True},
                              content_type="application/json").status_code == 200
    _add_endpoint(configured, "https://secure.example/scim")
    _add_endpoint(configured, "http://plain.example/scim")
    response = admin_client.post(PAGE, _form_data(2, allow_http_endpoints=False))
    assert response.context["form"].errors["allow_http_endpoints"] == [ALLOW_HTTP_IN_USE]
    api = admin_client.patch(API, {"revision": 2, "allow_http_endpoints": False}, content_type="application/json")
    assert api.status_code == 400 and api.json() == {"allow_http_endpoints": [ALLOW_HTTP_IN_USE]}
    assert _notes(ss, configured)["settings"]["allow_http_endpoints"] is True
    assert _outcome_rows() == ["success", "failure", "failure"]


def test_allow_http_can_be_switched_off_when_every_endpoint_is_https(admin_client, ss, configured):
    admin_client.patch(API, {"revision": 1, "allow_http_endpoints": True}, content_type="application/json")
    _add_endpoint(configured, "https://secure.example/scim")
    ok = admin_client.patch(API, {"revision": 2, "allow_http_endpoints": False}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["allow_http_endpoints"] is False


def test_disabled_connector_shows_the_product_warning(admin_client, ss, configured):
    admin_client.patch(API, {"revision": 1, "connector_disabled": True}, content_type="application/json")
    page = admin_client.get(PAGE).content.decode()
    assert "SCIM Connector has been disabled. To re-enable SCIM Connector" in page


def test_secret_server_down_on_save_changes_nothing(admin_client, ss, configured):
    ss.inject_fault("drop", count=50)
    response = admin_client.post(PAGE, _form_data(1, error_threshold=3))
    assert response.context["form"].non_field_errors()[0].startswith("Unable to update Configuration.")
    ss.clear_faults()
    assert _notes(ss, configured)["revision"] == 1
    assert not SettingsMirror.objects.filter(revision__gt=1).exists()
    assert _outcome_rows() == ["error"]


def test_mirror_failure_after_secret_server_saved_is_said_plainly(admin_client, ss, configured, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(configuration_service, "_settings_mirror_write", broken)
    response = admin_client.post(PAGE, _form_data(1, error_threshold=3), follow=True)
    assert MIRROR_BEHIND in response.content.decode()
    assert _notes(ss, configured)["settings"]["error_threshold"] == 3
    rows = AuditEvent.objects.filter(action="settings.update").exclude(outcome="intent")
    assert [(r.outcome, MIRROR_BEHIND in r.message) for r in rows] == [("error", True)]


def test_api_permissions(client, ss, configured):
    assert client.get(API).status_code in (401, 403)
    assert client.patch(API, {"revision": 1}, content_type="application/json").status_code in (401, 403)
    from connector.access import Role
    from tests.helpers import sign_in_as

    sign_in_as(client, "carol", Role.AUDITOR, ss_user_id=7)
    assert client.get(API).status_code == 200
    assert client.patch(API, {"revision": 1, "error_threshold": 2},
                        content_type="application/json").status_code == 403
    assert client.get(PAGE).status_code == 200  # read-only page, as the API reads (test_auditor_pages.py)
    assert client.post(PAGE, {"revision": 1, "error_threshold": 2}).status_code == 403
    assert _notes(ss, configured)["revision"] == 1


def test_settings_current_is_cached_and_survives_secret_server_down(ss, configured):
    assert settings_current().bulk_max_operations == 1000
    ss.inject_fault("drop", count=50)
    assert settings_current().bulk_max_operations == 1000  # from the cache, no call
    configuration_service.settings_cache_clear()
    SettingsMirror.objects.update_or_create(singleton=1, defaults={"settings": {"ui_session_minutes": 15},
                                                                   "revision": 4})
    assert settings_current().ui_session_minutes == 15  # from the mirror while Secret Server is down


def test_the_schema_documents_the_settings_api(admin_client, ss, configured):
    schema = admin_client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/connector/settings/" in schema


def test_secret_server_down_while_reading_before_a_save_is_503_by_type(admin_client, ss, configured, monkeypatch):
    """The read before the write fails with Unavailable: 503 and the outage wording (was 502 "refused")."""
    from connector.secretserver import SecretServerClient, Unavailable

    def down(self, *args, **kwargs):
        raise Unavailable(status=503, method="GET", path="/api/v1/secrets/x/fields/notes")

    monkeypatch.setattr(SecretServerClient, "get_secret_field", down)
    response = admin_client.patch(API, {"revision": 1, "ui_session_minutes": 30}, content_type="application/json")
    assert response.status_code == 503
    assert response.json() == {"detail": "Unable to update Configuration. Secret Server service unavailable."}
    page = admin_client.get(PAGE)
    assert page.context["load_error"] == "Secret Server service unavailable."


def test_an_auditors_group_missing_from_secret_server_is_refused_next_to_its_field(admin_client, ss, configured):
    """Saving a group name Secret Server does not know would lock every auditor out at their next sign-in."""
    from connector.services.settings_checks import AUDITORS_GROUP_NOT_FOUND
    page = admin_client.post(PAGE, _form_data(1, auditors_group="SCIM Auditor"))  # a typo: "SCIM Auditors" exists
    assert page.status_code == 200
    assert page.context["form"].errors["auditors_group"] == [AUDITORS_GROUP_NOT_FOUND]
    api = admin_client.patch(API, {"revision": 1, "auditors_group": "Nobody Here"}, content_type="application/json")
    assert api.status_code == 400 and api.json() == {"auditors_group": [AUDITORS_GROUP_NOT_FOUND]}
    assert _notes(ss, configured)["revision"] == 1
    assert _outcome_rows() == ["failure", "failure"]


def test_an_existing_auditors_group_is_accepted_whatever_its_case(admin_client, ss, configured):
    api = admin_client.patch(API, {"revision": 1, "auditors_group": "scim auditors"}, content_type="application/json")
    assert api.status_code == 200
    assert _notes(ss, configured)["settings"]["auditors_group"] == "scim auditors"
    assert settings_current().auditors_group == "scim auditors"
