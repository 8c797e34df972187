"""Form fields rendered in Python (see connector/fast_forms.py): ``{% form_field field %}`` is
``{% include "components/form_field.html" with field=field %}`` without the template; ``{% filter_fields form %}``
renders a filter bar's fields.

``filter_fields``: the same filters always render the same HTML (the first page of a list has no filters at
all), so each process remembers up to ``MEMO_SIZE`` renderings (connector/memo.py), keyed by the form class, the submitted
values and the language (filters whose choices change at run time must not use this tag).
"""
from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from connector.fast_forms import form_field_html
from connector.memo import BoundedMemo

register = template.Library()

MEMO_SIZE = 256
_memo = BoundedMemo(MEMO_SIZE)


def _memo_key(form):
    names = [form.add_prefix(name) for name in form.fields]
    data = tuple((name, tuple(form.data.getlist(name)) if hasattr(form.data, "getlist") else (form.data.get(name),))
                 for name in names if name in form.data) if form.is_bound else None
    # Keyed on the form class's name and fields, not its identity: a plain django-filter FilterSet builds a new
    # form class per instance (FastFilterSet builds one per FilterSet class); the FilterSets' choices are fixed.
    return type(form).__module__, type(form).__qualname__, tuple(names), form.auto_id, get_language(), data


@register.simple_tag
def form_field(field):
    return form_field_html(field)


@register.simple_tag
def filter_fields(form):
    key = _memo_key(form)
    html = _memo.get(key)
    if html is None:
        html = _memo.put(key, mark_safe("".join(form_field_html(field) for field in form)))
    return html


_sort_memo = BoundedMemo(MEMO_SIZE)


@register.simple_tag
def sort_options(sort_choices, sort):
    """The sort select's options (``<option value=..>label</option>``, the chosen one ``selected``), built once
    per choice list and chosen value: the template loop over them was a tenth of the filter bar's time."""
    choices = tuple(sort_choices)
    key = (choices, sort)
    html = _sort_memo.get(key)
    if html is None:
        html = _sort_memo.put(key, mark_safe("".join(
            f'<option value="{escape(value)}"{" selected" if value == sort else ""}>{escape(label)}</option>'
            for value, label in choices)))
    return html
