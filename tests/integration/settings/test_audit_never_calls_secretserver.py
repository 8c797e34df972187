"""Writing an audit line never reaches Secret Server, even when the settings cache is cold."""
import pytest

from connector.secretserver import SecretServerClient
from connector.services.audit import audit_record
from connector.services.configuration_service import settings_cache_clear

pytestmark = pytest.mark.django_db


def test_an_audit_line_with_a_cold_settings_cache_makes_no_secret_server_call(
        ss, configured, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    settings.CONNECTOR_LOG_DIR = str(tmp_path / "log")
    calls = []
    original = SecretServerClient.get_secret_field

    def recording(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SecretServerClient, "get_secret_field", recording)
    settings_cache_clear()
    with django_capture_on_commit_callbacks(execute=True):
        event = audit_record(action="endpoint.create", outcome="success", actor_name="alice")
    assert calls == []
    written = list((tmp_path / "log").iterdir())
    assert [p.name for p in written] == [f"scim-connector-{event.time:%Y-%m-%dT%H}.jsonl"]
