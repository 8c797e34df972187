"""Fixtures of the audit anchor tests: a connector set up against the emulator (real HTTP)."""
import pytest

from tests.integration.settings.conftest import configure_connector


@pytest.fixture
def configured(ss, db):
    return configure_connector(ss)
