"""Form fields rendered in Python (filter bars, settings forms) produce exactly the HTML of Django's widget templates +
form_field.html, remembered or not."""
import re

import pytest
from django.forms.renderers import DjangoTemplates
from django.template import Context, Template

from accessrequests.filters import AccessRequestFilterSet
from connector.fast_forms import PYTHON_WIDGET_RENDERER, form_field_html
from connector.filters import AuditEventFilterSet

DISABLED_CONTROL = re.compile(r"<(input|select)[^>]* disabled[ >]")
TEMPLATE_FIELDS = Template('{% for field in form %}{% include "components/form_field.html" with field=field %}'
                           '{% endfor %}')

CASES = [
    (AccessRequestFilterSet, {}),
    (AccessRequestFilterSet, {"q": 'a<b "c" & d', "status": "Denied", "requested_after": "not a day",
                              "requester": "<script>", "reviewer": "ö"}),
    (AccessRequestFilterSet, {"status": "NoSuchStatus", "requested_before": "2025-01-31"}),
    (AuditEventFilterSet, {"outcome": "error", "actor": 'x"y', "target_id": "17", "time_after": "2025-13-01"}),
]


@pytest.mark.parametrize("filterset_class, data", CASES)
def test_python_rendering_matches_the_templates(filterset_class, data):
    form = filterset_class(data or None).form
    form.is_valid()
    assert form.renderer is PYTHON_WIDGET_RENDERER
    fast = "".join(form_field_html(field) for field in form)
    form.renderer = DjangoTemplates()
    reference = TEMPLATE_FIELDS.render(Context({"form": form}))
    assert fast == reference
    assert "<script>" not in fast


def test_widgets_it_does_not_know_go_through_the_templates():
    from django import forms

    class Other(forms.Form):
        flag = forms.BooleanField(required=False)
        choice = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
    form = Other(renderer=PYTHON_WIDGET_RENDERER)
    reference = Other(renderer=DjangoTemplates())
    assert str(form["flag"]) == str(reference["flag"])
    assert str(form["choice"]) == str(reference["choice"])


def test_the_filter_bar_is_remembered_per_submitted_values():
    from django.http import QueryDict

    from connector.templatetags.connector_fast import _memo, filter_fields

    _memo.clear()
    first = filter_fields(AccessRequestFilterSet(None).form)
    assert filter_fields(AccessRequestFilterSet(None).form) is first and len(_memo) == 1
    bad = filter_fields(AccessRequestFilterSet(QueryDict("requested_after=nope&status=Denied")).form)
    assert "field--invalid" in bad and 'value="Denied" selected' in bad and bad is not first
    other = filter_fields(AccessRequestFilterSet(QueryDict("status=Approved")).form)
    assert 'value="Approved" selected' in other and 'value="Denied" selected' not in other
    assert filter_fields(AccessRequestFilterSet(QueryDict("requested_after=nope&status=Denied")).form) == bad
    assert len(_memo) == 3


# --- the settings forms: every field in every state, Python vs the templates ----------------------------

def _configuration_data(**changes):
    from connector.configuration import ConnectorSettings

    values = {**ConnectorSettings().as_dict(), **changes}
    data = {k: v for k, v in values.items() if not isinstance(v, bool)}
    data.update({k: "on" for k, v in values.items() if v is True})
    return {**data, "revision": "3"}


def _configuration_form(state):
    from connector.configuration import ConnectorSettings
    from connector.forms.settings import ConfigurationSettingsForm

    if state.startswith("unbound"):
        return ConfigurationSettingsForm(initial=ConfigurationSettingsForm.initial_from(
            ConnectorSettings().with_changes(allow_http_endpoints=True, auditors_group='<b>"Ops" & co\'s</b>'), 7))
    if state == "bound valid":
        return ConfigurationSettingsForm(_configuration_data(connector_disabled=True, log_frequency="Daily"))
    # bound with errors: parse errors, a missing value, service errors added next to fields and to the form
    form = ConfigurationSettingsForm({**_configuration_data(), "bulk_max_operations": "12x", "ui_session_minutes": "",
                                      "log_frequency": "<Monthly>", "revision": "-1"})
    form.is_valid()
    form.add_error("auditors_group", 'No group "<x>" in Secret Server.')
    form.add_error("allow_http_endpoints", "An endpoint still uses http://.")
    form.add_error(None, "Unable to update Configuration.")
    return form


def _setup_form(state):
    from connector.forms.settings import SecretServerSetupForm

    if state.startswith("unbound"):
        return SecretServerSetupForm(initial={"url": "https://ss.example/SecretServer?a=1&b=<2>",
                                              "app_username": 'scim "app"', "app_domain": "", "app_site_id": 3})
    data = {"url": "not a url", "admin_username": "", "admin_password": "", "app_username": "scim-app",
            "app_password": "pw", "app_site_id": "0"} if "errors" in state else \
        {"url": "https://ss.example", "admin_username": "admin", "admin_password": "x", "app_username": "a",
         "app_password": "y", "app_site_id": "2"}
    form = SecretServerSetupForm(data)
    form.is_valid()
    if "errors" in state:
        form.add_error("app_password", "Secret Server refused the <application> account.")
    return form


SETTINGS_FORM_STATES = ["unbound", "unbound read-only", "bound valid", "bound errors", "bound errors read-only"]


@pytest.mark.parametrize("make_form", [_configuration_form, _setup_form])
@pytest.mark.parametrize("state", SETTINGS_FORM_STATES)
def test_settings_forms_render_byte_for_byte_as_the_templates(make_form, state):
    from django.template.loader import render_to_string

    from connector.fast_forms import PythonWidgetRenderer, form_field_html
    from connector.views.write_access import form_read_only

    form = make_form(state)
    form.is_valid()
    if "read-only" in state:
        form_read_only(form)  # what the pages do for auditors
    assert isinstance(form.renderer, PythonWidgetRenderer)  # the project's FORM_RENDERER
    fast = [form_field_html(field) for field in form]
    kinds = {field.widget_type for field in form}
    form.renderer = DjangoTemplates()
    reference = [render_to_string("components/form_field.html", {"field": field}) for field in form]
    for field, mine, theirs in zip(form, fast, reference, strict=True):
        assert mine == theirs, field.name
    if make_form is _configuration_form:
        assert kinds == {"hidden", "number", "checkbox", "select", "text"}
    if "read-only" in state:
        assert all(DISABLED_CONTROL.search(html) for html in fast)
    if "errors" in state:
        assert any("field--invalid" in html for html in fast)
    assert "<b>" not in "".join(fast) and "<x>" not in "".join(fast) and "<2>" not in "".join(fast)


def test_the_form_field_tag_renders_what_the_include_renders():
    from django.template import engines

    form = _configuration_form("bound errors")
    fast = engines["django"].from_string('{% load connector_fast %}{% for f in form %}{% form_field f %}{% endfor %}')
    reference = engines["django"].from_string(
        '{% for f in form %}{% include "components/form_field.html" with field=f %}{% endfor %}')
    assert fast.render({"form": form}) == reference.render({"form": form})


def test_unbound_settings_fields_are_remembered_per_value_and_state_and_stay_identical():
    """The settings pages show the same values on nearly every view: each unbound field's HTML is remembered,
    keyed by what it shows (value, disabled), so a changed value or a read-only view never gets stale markup."""
    from django.template.loader import render_to_string

    from connector.configuration import ConnectorSettings
    from connector.fast_forms import _unbound_memo, form_field_html
    from connector.forms.settings import ConfigurationSettingsForm
    from connector.views.write_access import form_read_only

    def fields(settings, revision, read_only=False):
        form = ConfigurationSettingsForm(initial=ConfigurationSettingsForm.initial_from(settings, revision))
        if read_only:
            form_read_only(form)
        fast = [form_field_html(field) for field in form]
        form.renderer = DjangoTemplates()
        assert fast == [render_to_string("components/form_field.html", {"field": field}) for field in form]
        return fast

    _unbound_memo.clear()
    first = fields(ConnectorSettings(), 1)
    assert len(_unbound_memo) == len(first)
    assert fields(ConnectorSettings(), 1) == first and len(_unbound_memo) == len(first)  # served from memory
    changed = fields(ConnectorSettings().with_changes(error_threshold=7, connector_disabled=True), 2)
    assert 'value="7"' in "".join(changed) and "checked" in "".join(changed) and 'value="2"' in changed[0]
    assert len(_unbound_memo) == len(first) + 3  # revision, error threshold, connector disabled
    read_only = fields(ConnectorSettings(), 1, read_only=True)
    assert all(DISABLED_CONTROL.search(html) for html in read_only)
    assert not any(DISABLED_CONTROL.search(html) for html in first)


def test_bound_forms_and_other_forms_are_not_remembered():
    from django import forms

    from connector.fast_forms import _unbound_memo, form_field_html

    class Dynamic(forms.Form):  # not a StaticMarkupForm: its fields may vary per instance
        name = forms.CharField()

    _unbound_memo.clear()
    form_field_html(Dynamic(initial={"name": "x"})["name"])
    bound = _configuration_form("bound errors")
    bound.is_valid()
    for field in bound:
        form_field_html(field)
    assert len(_unbound_memo) == 0
