"""Fixtures for the log-file tests: a log directory under tmp_path and a chosen "Log frequency"."""
import pytest

from connector.configuration import ConnectorSettings
from connector.services import configuration_service


@pytest.fixture
def log_dir(settings, tmp_path):
    """File logging on, into a fresh directory that does not exist yet (the writer creates it)."""
    directory = tmp_path / "log"
    settings.CONNECTOR_LOG_DIR = str(directory)
    return directory


@pytest.fixture
def log_frequency(monkeypatch):
    """log_frequency("Daily"): settings_current() now says so (what the writer reads)."""

    def choose(value):
        monkeypatch.setattr(configuration_service, "settings_current",
                            lambda: ConnectorSettings(log_frequency=value))

    choose("Hourly")
    return choose
