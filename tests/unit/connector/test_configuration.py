import json

import pytest

from connector.configuration import ConnectorSettings, SettingsDocument, SettingsDocumentError, validate_settings


def test_defaults_match_the_product():
    s = ConnectorSettings()
    assert (s.bulk_max_operations, s.bulk_max_payload, s.ui_session_minutes, s.endpoint_token_days) == (
        1000, 1048576, 60, 730)
    assert (s.error_threshold, s.log_frequency, s.allow_http_endpoints, s.connector_disabled) == (
        20, "Hourly", False, False)
    assert (s.auditors_group, s.access_window_days) == ("SCIM Auditors", 2)


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("bulk_max_operations", 0, "Enter a number from 1 to 1000."),
        ("bulk_max_operations", 1001, "Enter a number from 1 to 1000."),
        ("bulk_max_payload", 1048577, "Enter a number from 1 to 1048576."),
        ("ui_session_minutes", 4, "Enter a number from 5 to 1440."),
        ("endpoint_token_days", "ten", "Enter a whole number."),
        ("error_threshold", True, "Enter a whole number."),
        ("log_frequency", "Monthly", "Choose one of: Hourly, Daily, Weekly."),
        ("allow_http_endpoints", "yes", "Enter true or false."),
        ("auditors_group", "  ", "Enter the name of a Secret Server group."),
        ("access_window_days", 31, "Enter a number from 1 to 30."),
    ],
)
def test_each_setting_is_validated_with_its_own_message(field, value, message):
    values = {**ConnectorSettings().as_dict(), field: value}
    assert validate_settings(values) == {field: message}


def test_the_document_round_trips_and_keeps_its_revision():
    doc = SettingsDocument(ConnectorSettings(error_threshold=5), revision=3)
    again = SettingsDocument.from_json(doc.to_json())
    assert again == doc


def test_an_empty_notes_field_means_defaults_at_revision_zero():
    assert SettingsDocument.from_json(None) == SettingsDocument(ConnectorSettings(), 0)
    assert SettingsDocument.from_json("") == SettingsDocument(ConnectorSettings(), 0)


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        json.dumps({"schema": "other", "version": 1, "settings": {}}),
        json.dumps({"schema": "scim-connector-settings", "version": 99, "settings": {}}),
        json.dumps({"schema": "scim-connector-settings", "version": 1, "settings": {"bulk_max_operations": -1}}),
        json.dumps({"schema": "scim-connector-settings", "version": 1, "revision": -2, "settings": {}}),
    ],
)
def test_a_bad_document_is_an_error_not_silently_defaults(text):
    with pytest.raises(SettingsDocumentError):
        SettingsDocument.from_json(text)
