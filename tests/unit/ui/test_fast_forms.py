"""The filter bars rendered in Python produce exactly the HTML of Django's widget templates + form_field.html."""
import pytest
from django.forms.renderers import DjangoTemplates
from django.template import Context, Template

from accessrequests.filters import AccessRequestFilterSet
from connector.fast_forms import PYTHON_WIDGET_RENDERER, filter_field_html
from connector.filters import AuditEventFilterSet

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
    fast = "".join(filter_field_html(field) for field in form)
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
