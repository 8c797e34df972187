"""An expected 403 is logged as one line, once (it printed two full tracebacks under runserver)."""
import io
import logging
from logging.config import dictConfig

import pytest
from django.conf import settings as django_settings
from django.utils.log import DEFAULT_LOGGING

from connector.access import Role
from tests.helpers import sign_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(settings):
    """The project's logging as runserver sets it up (DEBUG on), every handler writing into one buffer."""
    settings.DEBUG = True
    settings.CONNECTOR_SETUP_REDIRECT = False
    buffer = io.StringIO()
    dictConfig(DEFAULT_LOGGING)
    dictConfig(django_settings.LOGGING)
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in ("django", "django.request"))]
    for handler in {h for logger in loggers for h in logger.handlers}:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(buffer)
    yield buffer
    dictConfig(DEFAULT_LOGGING)
    dictConfig(django_settings.LOGGING)


def test_a_refused_page_is_one_log_line(client, console):
    sign_in_as(client, "carol", Role.AUDITOR)
    assert client.get("/settings/configuration/").status_code == 403
    lines = [line for line in console.getvalue().splitlines() if line.strip()]
    refused = [line for line in lines if "403 refused: GET /settings/configuration/" in line]
    assert len(refused) == 1, lines
    assert "Traceback" not in console.getvalue()
