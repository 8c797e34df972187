"""The page shell and components: every template renders, and keeps its accessibility promises.

Templates are rendered with Django's engine against a stand-in URLconf (below) that holds every URL
name base.html links to; the real views live in the connector and accessrequests apps.
"""
import re
import sys
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.base import Message
from django.http import HttpResponse
from django.template.loader import get_template, render_to_string
from django.test import RequestFactory, override_settings
from django.urls import include, path

ROOT = Path(settings.BASE_DIR)
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"


# --- a stand-in URLconf: the URL names base.html expects ----------------------------------------
def _view(request, *args, **kwargs):
    return HttpResponse("")


urlpatterns = [
    path(
        "",
        include(
            (
                [
                    path("", _view, name="home"),
                    path("messages/", _view, name="messages"),
                    path("settings/secret-server/", _view, name="settings-secretserver"),
                    path("settings/endpoints/", _view, name="endpoint-list"),
                    path("settings/configuration/", _view, name="settings-configuration"),
                    path("audit/", _view, name="audit"),
                    path("about/", _view, name="about"),
                ],
                "connector",
            )
        ),
    ),
    path("access-requests/", include(([path("history/", _view, name="history")], "accessrequests"))),
    path("accounts/login/", _view, name="login"),
    path("accounts/logout/", _view, name="logout"),
]
THIS_URLCONF = sys.modules[__name__]

NAV_LABELS = [
    "Home",
    "Messages",
    "Secret Server",
    "SCIM Connector Endpoints",
    "Configuration Settings",
    "History",
    "Audit",
    "About",
]


@pytest.fixture
def full_urls():
    with override_settings(ROOT_URLCONF=THIS_URLCONF):
        yield


# --- helpers --------------------------------------------------------------------------------------
class FakeUser:
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False

    def get_full_name(self):
        return "Alice Admin"

    def get_username(self):
        return "alice.admin"


class Element:
    def __init__(self, tag, attrs):
        self.tag = tag
        self.attrs = dict(attrs)
        self.text = ""


class Page(HTMLParser):
    """A flat list of elements with their attributes and text, enough for accessibility checks."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.elements = []
        self._open = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        el = Element(tag, attrs)
        self.elements.append(el)
        if tag not in self.VOID:
            self._open.append(el)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for el in self._open:
            el.text += data

    def find(self, tag=None, **attrs):
        found = []
        for el in self.elements:
            if tag and el.tag != tag:
                continue
            if all(el.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items()):
                found.append(el)
        return found

    def one(self, tag=None, **attrs):
        found = self.find(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def by_id(self, element_id):
        return self.one(id=element_id)


def render(template, context=None, user=None, path="/", msgs=()):
    request = RequestFactory().get(path)
    request.user = user if user is not None else AnonymousUser()
    context = dict(context or {})
    if msgs:
        context["messages"] = [Message(level, text) for level, text in msgs]
    return Page(render_to_string(template, context, request=request))


def text_of(page):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.html))


def assert_every_input_is_labelled(page):
    labels = {el.attrs.get("for") for el in page.find("label")}
    for el in page.elements:
        if el.tag in ("input", "select", "textarea") and el.attrs.get("type") not in ("hidden", "submit"):
            assert el.attrs.get("id") in labels or el.attrs.get("aria-label"), f"unlabelled {el.tag} {el.attrs}"


def assert_describedby_targets_exist(page):
    for el in page.elements:
        for target in (el.attrs.get("aria-describedby") or "").split():
            assert page.find(id=target), f"aria-describedby points to missing #{target}"


class LoginForm(forms.Form):
    """Shape of the project's sign-in form (username, password, optional domain)."""

    username = forms.CharField(label="Username", error_messages={"required": "Username required."})
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput, error_messages={"required": "Password required."}
    )
    domain = forms.CharField(label="Domain", required=False, help_text="Leave empty for a local account.")


class DemoForm(forms.Form):
    name = forms.CharField(label="Endpoint name", help_text="Unique across endpoints.")
    allow_http = forms.BooleanField(label="Allow HTTP endpoints", required=False, help_text="Off by default.")
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect, choices=[("View", "View"), ("Edit", "Edit")])


# --- base.html ------------------------------------------------------------------------------------
def test_the_shell_has_lang_a_skip_link_to_main_and_the_assets_deferred(full_urls):
    page = render("base.html")
    assert page.one("html").attrs["lang"] == "en"
    first_link = page.find("a")[0]
    assert first_link.attrs["href"] == "#content" and "Skip to main content" in first_link.text
    assert page.one("main").attrs["id"] == "content"
    script = page.one("script")
    assert script.attrs["src"].endswith("js/app.js") and "defer" in script.attrs
    assert page.one("link", rel="stylesheet").attrs["href"].endswith("css/app.css")
    assert page.find("header") and page.find("footer")


def test_anonymous_visitors_see_no_navigation_nor_sign_out(full_urls):
    page = render("base.html")
    assert not page.find("nav", aria_label="Main")
    assert "Sign out" not in page.html


def test_a_signed_in_person_sees_every_section_their_role_and_a_post_sign_out(full_urls):
    page = render(
        "base.html",
        {"connector_role": "Administrator (temporary)", "access_window_end": datetime(2030, 1, 2, 3, 4, tzinfo=timezone.utc)},
        user=FakeUser(),
        path="/messages/",
    )
    nav = page.one("nav", aria_label="Main")
    link_texts = [el.text.strip() for el in page.find("a") if el.text.strip() in NAV_LABELS]
    assert link_texts == NAV_LABELS, nav
    current = [el for el in page.find("a") if "aria-current" in el.attrs]
    assert [(el.text, el.attrs["aria-current"]) for el in current] == [("Messages", "page")]
    text = text_of(page)
    assert "Alice Admin" in text and "Administrator (temporary)" in text
    window = page.one("time")
    assert window.attrs["datetime"].startswith("2030-01-02T03:04")
    form = [f for f in page.find("form") if f.attrs.get("action") == "/accounts/logout/"][0]
    assert form.attrs["method"] == "post"
    assert page.find("input", name="csrfmiddlewaretoken")
    assert any(b.text.strip() == "Sign out" for b in page.find("button"))


def test_a_section_can_be_marked_current_from_a_sub_page(full_urls):
    page = render("base.html", {"nav_section": "settings-endpoints"}, user=FakeUser(), path="/settings/endpoints/7/")
    endpoints = [el for el in page.find("a") if el.text.strip() == "SCIM Connector Endpoints"][0]
    assert endpoints.attrs.get("aria-current") == "true"
    assert "is-active" in page.one("details", class_="nav-sub is-active").attrs["class"]


def test_auditors_are_not_offered_messages_or_settings(full_urls):
    page = render("base.html", {"connector_role": "Auditor", "connector_is_admin": False}, user=FakeUser())
    labels = [el.text.strip() for el in page.find("a")]
    assert "Messages" not in labels and "Secret Server" not in labels
    assert "History" in labels and "Audit" in labels


class NoConnectorPagesUrls:
    """A URLconf where none of the nav's URL names exist."""

    urlpatterns = [path("ok/", lambda request: HttpResponse("ok"), name="ok")]


def test_missing_url_names_hide_their_links_instead_of_crashing():
    with override_settings(ROOT_URLCONF=NoConnectorPagesUrls):
        page = render("base.html", user=FakeUser())
    assert page.one("html").attrs["lang"] == "en"
    assert not [el for el in page.find("a") if el.text.strip() in NAV_LABELS]


def test_django_messages_become_alerts_errors_interrupt_and_the_rest_are_polite(full_urls):
    page = render(
        "base.html",
        user=FakeUser(),
        msgs=[(messages.SUCCESS, "Connection Successful"), (messages.ERROR, "Unable to update Configuration.")],
    )
    roles = {el.text.strip(): el.attrs["role"] for el in page.find("div") if "alert--" in el.attrs.get("class", "")}
    assert roles == {"Connection Successful": "status", "Unable to update Configuration.": "alert"}


def test_a_disabled_connector_is_announced_with_the_products_message(full_urls):
    page = render("base.html", {"connector_disabled": True}, user=FakeUser())
    assert (
        "SCIM Connector has been disabled. To re-enable SCIM Connector, correct any errors and uncheck "
        "the SCIM Connector Disabled checkbox." in text_of(page)
    )


# --- login ----------------------------------------------------------------------------------------
def test_the_sign_in_page_labels_its_fields_and_shows_the_exact_product_message(full_urls):
    form = LoginForm(data={"username": "bob", "password": "x"})
    assert form.is_valid()
    form.add_error(None, "Secret Server password has expired. Please login to Secret Server to reset your password.")
    page = render("registration/login.html", {"form": form, "next": "/settings/endpoints/"})
    assert not page.find("nav", aria_label="Main")
    assert_every_input_is_labelled(page)
    for name in ("username", "password", "domain"):
        assert page.find("input", name=name)
    alert = [el for el in page.find("div") if el.attrs.get("role") == "alert"][0]
    assert alert.text.strip() == "Secret Server password has expired. Please login to Secret Server to reset your password."
    post = [f for f in page.find("form") if f.attrs.get("method") == "post" and "data-busy" in f.attrs][0]
    assert post.attrs["data-busy"] == "Signing in…"
    assert page.find("input", name="csrfmiddlewaretoken")
    assert page.one("input", name="next").attrs["value"] == "/settings/endpoints/"
    assert_describedby_targets_exist(page)


def test_missing_credentials_are_marked_invalid_next_to_the_field(full_urls):
    form = LoginForm(data={"username": "", "password": ""})
    assert not form.is_valid()
    page = render("registration/login.html", {"form": form})
    username = page.one("input", name="username")
    assert username.attrs["aria-invalid"] == "true"
    described = [page.by_id(i).text.strip() for i in username.attrs["aria-describedby"].split()]
    assert "Username required." in described
    assert page.by_id("id_password_error").text.strip() == "Password required."
    assert page.find("span", class_="required-marker")


# --- components -----------------------------------------------------------------------------------
def test_form_field_wires_help_and_errors_for_text_checkbox_and_radio_fields(full_urls):
    form = DemoForm(data={"name": "", "role": "nope"})
    form.is_valid()
    html = "".join(
        render_to_string("components/form_field.html", {"field": form[name]}) for name in ("name", "allow_http", "role")
    )
    page = Page(html)
    assert_every_input_is_labelled(page)
    assert_describedby_targets_exist(page)
    name = page.one("input", name="name")
    assert name.attrs["aria-describedby"] == "id_name_helptext id_name_error"
    assert page.by_id("id_allow_http_helptext").text.strip() == "Off by default."
    fieldset = page.one("fieldset")
    assert "id_role_error" in fieldset.attrs["aria-describedby"] and page.one("legend").text.startswith("Role")


def test_hidden_fields_render_only_the_input():
    class F(forms.Form):
        token = forms.CharField(widget=forms.HiddenInput)

    html = render_to_string("components/form_field.html", {"field": F()["token"]})
    assert "<label" not in html and 'type="hidden"' in html


@pytest.mark.parametrize(
    "status, css",
    [
        ("Pending", "badge--pending"),
        ("Approved", "badge--approved"),
        ("Denied", "badge--denied"),
        ("Canceled", "badge--canceled"),
        ("Expired", "badge--expired"),
        ("success", "badge--success"),
        ("failure", "badge--failure"),
        ("intent", "badge--intent"),
        ("error", "badge--error"),
        ("denied", "badge--denied"),
    ],
)
def test_status_badges_show_the_word_and_have_a_style(status, css):
    page = Page(render_to_string("components/status_badge.html", {"status": status}))
    badge = page.one("span")
    assert css in badge.attrs["class"].split()
    assert badge.text.strip().lower() == status.lower()
    assert f".{css}" in (STATIC_DIR / "css" / "app.css").read_text()


def test_pagination_is_keyset_style_and_absent_when_there_is_one_page():
    from connector.templatetags.connector_fast import pagination

    assert pagination(None, None).strip() == ""
    page = Page(pagination(None, "?after=abc"))
    nav = page.one("nav")
    assert nav.attrs["aria-label"] == "Pagination"
    assert page.one("a", rel="next").attrs["href"] == "?after=abc"
    assert not page.find("a", rel="prev")


def test_empty_state_offers_the_next_step():
    page = Page(
        render_to_string(
            "components/empty_state.html",
            {"title": "No endpoints yet", "action_url": "/new/", "action_label": "Add endpoint"},
        )
    )
    assert "No endpoints yet" in page.html
    assert page.one("a").attrs["href"] == "/new/" and page.one("img").attrs["alt"] == ""


# --- error pages ----------------------------------------------------------------------------------
@pytest.mark.parametrize("template", ["403.html", "404.html", "secretserver_unavailable.html"])
def test_error_pages_use_the_shell_and_say_what_to_do_next(full_urls, template):
    page = render(template, user=FakeUser(), path="/settings/endpoints/")
    assert page.one("html").attrs["lang"] == "en"
    assert page.one("h1").text.strip()
    assert "What you can do" in page.html


def test_secret_server_unavailable_uses_the_product_message_and_offers_a_retry(full_urls):
    page = render("secretserver_unavailable.html", path="/settings/endpoints/?after=x")
    assert page.one("h1").text.strip() == "Secret Server service unavailable."
    retry = [a for a in page.find("a") if a.text.strip() == "Try again"][0]
    assert retry.attrs["href"] == "/settings/endpoints/?after=x"


def test_the_500_page_renders_without_request_context_processors_or_database():
    source = (TEMPLATES_DIR / "500.html").read_text()
    assert "{% extends" not in source and "{% include" not in source
    html = get_template("500.html").render()  # what django.views.defaults.server_error does
    page = Page(html)
    assert page.one("html").attrs["lang"] == "en"
    assert page.one("link", rel="stylesheet").attrs["href"].endswith("css/app.css")
    assert page.find("a", href="#content") and page.one("main").attrs["id"] == "content"


# --- the style guide ------------------------------------------------------------------------------
def test_the_style_guide_renders_every_component(full_urls):
    form = DemoForm(data={"name": ""})
    form.is_valid()
    page = render("styleguide.html", {"demo_form": form}, user=FakeUser())
    for css in ("badge--pending", "badge--expired", "alert--warning", "table-wrap", "pagination", "empty-state", "spinner"):
        assert css in page.html
    assert page.find("button", data_copy_target="#sg-token") and page.by_id("sg-token")
    assert page.find("div", data_poll_url="?fragment=messages")
    assert_every_input_is_labelled(page)
    assert_describedby_targets_exist(page)
    ids = [el.attrs["id"] for el in page.elements if "id" in el.attrs]
    assert len(ids) == len(set(ids)), "duplicate ids"


# --- no network at run time; strict CSP friendly ------------------------------------------------
ALLOWED_LITERAL_URL = re.compile(
    r"https?://(www\.w3\.org/(2000/svg|1999/xlink)|[a-z0-9.-]+\.(test|example)(/|\b)|example\.(com|org|net)(/|\b))"
)


def _project_assets():
    return [p for d in (TEMPLATES_DIR, STATIC_DIR) for p in sorted(d.rglob("*")) if p.is_file()]


def test_no_template_or_static_file_loads_anything_from_another_host():
    offenders = []
    for file in _project_assets():
        text = file.read_text(errors="replace")
        for match in re.finditer(r"https?://[^\s\"'<>)]+", text):
            if not ALLOWED_LITERAL_URL.match(match.group(0)):
                offenders.append(f"{file.relative_to(ROOT)}: {match.group(0)}")
        # protocol-relative asset references: src="//cdn…", url(//cdn…), @import "//…"
        for match in re.finditer(r"""(?:src|href|srcset|action)\s*=\s*["']?//|url\(\s*["']?//|@import\s+["']?//""", text):
            offenders.append(f"{file.relative_to(ROOT)}: {match.group(0)}")
    assert _project_assets() and not offenders, offenders


def test_templates_need_no_inline_script_style_or_event_handlers_so_a_strict_csp_works():
    offenders = []
    for file in sorted(TEMPLATES_DIR.rglob("*.html")):
        text = file.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{file.name}: inline {tag}")
        if re.search(r"<style\b", text):
            offenders.append(f"{file.name}: <style>")
        for match in re.finditer(r"""\s(style|on[a-z]+)\s*=\s*["']""", text):
            offenders.append(f"{file.name}: {match.group(0).strip()}")
    assert not offenders, offenders


# --- colour contrast of the design tokens ---------------------------------------------------------
def _luminance(hex_colour):
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a, b):
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize(
    "foreground, background",
    [
        ("--text", "--surface"),
        ("--text", "--bg"),
        ("--text-muted", "--surface"),
        ("--text-muted", "--bg"),
        ("--text-muted", "--surface-alt"),
        ("--brand-700", "--surface"),
        ("--brand-700", "--surface-alt"),
        ("--brand-900", "--brand-50"),
        ("--danger-700", "--surface"),
        ("--danger-700", "--danger-50"),
        ("--success-700", "--success-50"),
        ("--warning-800", "--warning-50"),
        ("--info-800", "--info-50"),
        ("--text", "--danger-50"),
        ("--text", "--warning-50"),
    ],
)
def test_design_token_text_pairs_meet_wcag_aa(foreground, background):
    css = (STATIC_DIR / "css" / "app.css").read_text()
    tokens = dict(re.findall(r"(--[a-z0-9-]+):\s*(#[0-9a-fA-F]{6})\b", css))
    assert _contrast(tokens[foreground], tokens[background]) >= 4.5


@pytest.mark.parametrize("foreground", ["#ffffff", "#d3e6ee", "#ffe8a3"])
def test_header_text_is_readable_on_the_brand_colour(foreground):
    css = (STATIC_DIR / "css" / "app.css").read_text()
    tokens = dict(re.findall(r"(--[a-z0-9-]+):\s*(#[0-9a-fA-F]{6})\b", css))
    assert _contrast(foreground, tokens["--brand-800"]) >= 4.5
    assert _contrast(foreground, tokens["--brand-900"]) >= 4.5
