"""``FastFilterSet`` (connector/fast_forms.py) copies filters shallowly and builds the form class once per
FilterSet class; each FilterSet must still filter with its own data and its own method-bound filters."""
import django_filters
import pytest
from django.http import QueryDict

from accessrequests.filters import AccessRequestFilterSet
from accessrequests.models import AccessRequest
from connector.fast_forms import FastFilterSet
from connector.filters import AuditEventFilterSet

pytestmark = pytest.mark.django_db


def test_filters_are_per_filterset_and_methods_are_bound_to_their_own_filterset():
    one = AccessRequestFilterSet(QueryDict("requester=alice&status=Approved"))
    two = AccessRequestFilterSet(QueryDict("requester=bob"))
    assert one.filters["requester"] is not two.filters["requester"]
    assert one.filters["requester"] is not AccessRequestFilterSet.base_filters["requester"]
    assert one.filters["requester"].parent is one and two.filters["requester"].parent is two
    assert one.filters["requester"].filter.f is one.filters["requester"]  # the method proxy re-bound to the copy
    assert one.filters["requester"].model is AccessRequest
    assert one.filters["status"].extra is not two.filters["status"].extra  # per-FilterSet, as deepcopy gave
    assert one.filters["status"].extra is not AccessRequestFilterSet.base_filters["status"].extra
    sql_one, sql_two = str(one.qs.query), str(two.qs.query)
    assert "alice" in sql_one and "Approved" in sql_one and "bob" in sql_two and "alice" not in sql_two


def test_the_form_class_is_built_once_per_filterset_class_and_forms_stay_separate():
    first, second = AuditEventFilterSet(QueryDict("outcome=error")), AuditEventFilterSet(None)
    assert type(first.form) is type(second.form)
    assert type(first.form) is not type(AccessRequestFilterSet(None).form)
    assert first.form.fields is not second.form.fields  # each form has its own field dict (order, removals) ...
    assert first.form.fields["outcome"] is second.form.fields["outcome"]  # ... of the class's shared fields
    assert first.is_valid() and first.form.cleaned_data["outcome"] == "error" and not second.is_bound
    # shared fields, separate state: one form's data never shows in another's markup
    assert 'value="error" selected' in str(first.form["outcome"])
    assert 'value="error" selected' not in str(second.form["outcome"])


def test_invalid_input_is_still_refused_per_request():
    bad = AuditEventFilterSet(QueryDict("outcome=nonsense&time_after=not-a-date"))
    assert not bad.is_valid() and set(bad.errors) == {"outcome", "time_after"}
    assert AuditEventFilterSet(QueryDict("outcome=denied")).is_valid()


def test_filters_that_depend_on_the_request_are_refused():
    from django.contrib.auth import get_user_model

    class PerRequest(FastFilterSet):
        owner = django_filters.ModelChoiceFilter(queryset=get_user_model().objects.all())

        class Meta:
            model = AccessRequest
            fields = ["owner"]

    with pytest.raises(TypeError, match="depend on the request"):
        PerRequest(None).form
