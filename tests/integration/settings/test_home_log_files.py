"""The Home page's status card says where the log files go and how often a new one starts."""
import pytest
from django.utils import timezone

from connector.configuration import ConnectorSettings
from connector.views import settings as settings_views

pytestmark = pytest.mark.django_db


def test_home_shows_the_current_log_file_and_the_frequency(admin_client, ss, configured, settings, tmp_path,
                                                           monkeypatch):
    settings.CONNECTOR_LOG_DIR = str(tmp_path / "log")
    before = timezone.now()
    body = admin_client.get("/").content.decode()
    names = {f"{tmp_path / 'log'}/scim-connector-{t:%Y-%m-%dT%H}.jsonl" for t in (before, timezone.now())}
    assert any(name in body for name in names)  # the default: Hourly (either side of an hour boundary)
    assert "new file every hour; old files are kept" in body

    monkeypatch.setattr(settings_views, "settings_current", lambda: ConnectorSettings(log_frequency="Weekly"))
    year, week, _ = timezone.now().isocalendar()
    body = admin_client.get("/").content.decode()
    assert f"scim-connector-{year:04d}-W{week:02d}.jsonl" in body and "new file every week" in body


def test_home_says_when_file_logging_is_off(admin_client, ss, configured, settings):
    settings.CONNECTOR_LOG_DIR = ""
    assert "Off (<code>CONNECTOR_LOG_DIR</code> is empty)" in admin_client.get("/").content.decode()
