"""Fixtures for the log-file tests: a log directory under tmp_path and a chosen "Log frequency"."""
import pytest

from connector.configuration import ConnectorSettings
from connector.selectors import settings as settings_selectors


@pytest.fixture
def log_dir(settings, tmp_path):
    """File logging on, into a fresh directory that does not exist yet (the writer creates it)."""
    directory = tmp_path / "log"
    settings.CONNECTOR_LOG_DIR = str(directory)
    return directory


@pytest.fixture
def log_frequency(monkeypatch):
    """log_frequency("Daily"): settings_local() now says so (what the audit writer passes to the log file)."""

    def choose(value):
        monkeypatch.setattr(settings_selectors, "settings_local", lambda: ConnectorSettings(log_frequency=value))

    choose("Hourly")
    return choose
