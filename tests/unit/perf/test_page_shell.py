"""``{% layout %}`` (connector/page_shell.py) writes the same bytes as ``{% extends "base.html" %}`` with the same
blocks, for every kind of person and page state, and nothing of one person reaches another's page."""
import re
from datetime import UTC, datetime

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.template import TemplateSyntaxError, engines
from django.test import RequestFactory
from django.utils import timezone

import accessrequests.views
from connector import page_shell
from connector.access import Role
from tests.helpers import sign_in_as

pytestmark = pytest.mark.django_db

CONTENT = '<p class="x">Rows & <em>things</em></p>{{ extra }}'
EXTENDS = engines["django"].from_string(
    '{% extends "base.html" %}{% load connector_nav %}{% block title %}{{ page_title }}{% endblock %}'
    "{% block extra_head %}<link rel=\"stylesheet\" href=\"{% static_url 'css/history.css' %}\">{% endblock %}"
    "{% block content %}" + CONTENT + "{% endblock %}")
LAYOUT = engines["django"].from_string(
    '{% load connector_nav %}{% layout title=page_title stylesheet="css/history.css" %}' + CONTENT
    + "{% endlayout %}")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _no_setup_redirect(settings):
    settings.CONNECTOR_SETUP_REDIRECT = False


def _a_request(client, monkeypatch):
    """The request and view context of a real history view (middleware and all), as the template sees them."""
    seen = {}

    def capture(request, template_name, context):
        seen.update(request=request, context=context)
        return real_render(request, template_name, context)

    real_render = accessrequests.views.render
    monkeypatch.setattr(accessrequests.views, "render", capture)
    assert client.get("/history/").status_code == 200
    return seen["request"], seen["context"]


def _both(request, context):
    pages = [CSRF.sub("CSRF", t.render(context, request)) for t in (EXTENDS, LAYOUT)]
    assert "CSRF" in pages[0] or not request.user.is_authenticated
    return pages


@pytest.mark.parametrize("role,until,zone", [
    (Role.AUDITOR, None, "UTC"),
    (Role.ADMINISTRATOR, None, "UTC"),
    (Role.ADMINISTRATOR, datetime(2026, 12, 1, 9, 30, tzinfo=UTC), "Pacific/Auckland"),
])
def test_layout_is_base_html_for_each_person(client, monkeypatch, role, until, zone):
    user = sign_in_as(client, "alice", role, access_until=until)
    user.first_name, user.last_name = "Alice <Archer>", "& co"
    user.save()
    request, context = _a_request(client, monkeypatch)
    with timezone.override(zone):
        extends, layout = _both(request, {**context, "page_title": 'History & "more"', "extra": "<b>&</b>"})
    assert extends == layout
    assert "Alice &lt;Archer&gt; &amp; co" in layout and "History &amp; &quot;more&quot;" in layout


def test_layout_is_base_html_with_messages_a_disabled_connector_and_no_version(client, monkeypatch):
    sign_in_as(client, "bob", Role.ADMINISTRATOR)
    request, context = _a_request(client, monkeypatch)
    messages.error(request, "It <failed>")
    messages.success(request, "Saved", extra_tags="flash wide")
    extends, layout = _both(request, {**context, "page_title": "T", "connector_disabled": True,
                                      "connector_version": ""})
    assert extends == layout
    assert "It &lt;failed&gt;" in layout and "SCIM Connector has been disabled" in layout and "· version" not in layout


def test_layout_is_base_html_for_someone_not_signed_in():
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    extends, layout = _both(request, {"page_title": "Sign in"})
    assert extends == layout and "Sign out" not in layout


def test_the_shared_pieces_hold_nothing_of_a_person(client, monkeypatch):
    page_shell._shells.clear()
    sign_in_as(client, "carol-the-auditor", Role.AUDITOR, display_name="Carol Unique-Name")
    request, context = _a_request(client, monkeypatch)
    LAYOUT.render({**context, "page_title": "T"}, request)
    pieces = "".join(p for shell in page_shell._shells.values() for p in shell)
    assert pieces and "carol" not in pieces.lower() and "Unique-Name" not in pieces and "csrf" not in pieces


def test_layout_refuses_unknown_arguments():
    with pytest.raises(TemplateSyntaxError):
        engines["django"].from_string('{% load connector_nav %}{% layout title="x" body_class="y" %}{% endlayout %}')


def test_a_layout_without_every_block_once_is_refused(monkeypatch):
    page_shell._shells.clear()
    monkeypatch.setattr(page_shell, "BLOCKS", (*page_shell.BLOCKS, "sidebar"))
    with pytest.raises(ValueError, match="each of its blocks exactly once"):
        page_shell.layout_pieces(connector_version="1", authenticated=True, connector_disabled=False)
    page_shell._shells.clear()


@pytest.mark.parametrize("url", ["/history/", "/audit/", "/", "/about/", "/messages/", "/history/dashboard/"])
def test_the_busy_pages_are_built_from_the_layout_pieces(client, url):
    sign_in_as(client, "dave", Role.ADMINISTRATOR)
    page_shell._shells.clear()
    html = client.get(url).content.decode()
    assert page_shell._shells, "the page did not use {% layout %}"
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert html.count("<header") == 1 and html.count("<footer") == 1 and "\x00" not in html


def test_layout_for_a_request_without_a_user_is_base_html():
    """A page rendered before the authentication middleware ran (its request has no user) has no header menu."""
    request = RequestFactory().get("/early/")
    extends, layout = (t.render({"page_title": "Early"}, request) for t in (EXTENDS, LAYOUT))
    assert extends == layout and "Sign out" not in layout
