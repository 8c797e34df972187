"""Form fields and the keyset lists' filter bar and pagination, rendered in Python (see connector/fast_forms.py):
``{% form_field field %}`` is ``{% include "components/form_field.html" with field=field %}`` without the template;
``{% filter_fields form %}`` renders a filter bar's fields, ``{% filter_bar %}`` the whole bar and
``{% pagination %}`` the "Newer"/"Older" links. An ``{% include %}`` of a component cost as much as the rest of
the history's content together; the markup is the components' (pinned by tests/unit/perf/test_list_chrome.py).

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


@register.simple_tag
def filter_bar(form, sort, sort_choices, is_filtered, *, label, clear_url):
    """The filter bar of a keyset list (history, audit trail): the FilterSet's fields, a sort choice, Apply, and
    Clear (a link to ``clear_url``, the unfiltered list) when ``is_filtered``."""
    clear = f'<a class="btn btn--link" href="{escape(clear_url)}">Clear</a>' if is_filtered else ""
    return mark_safe(
        f'<form class="filters" method="get" action="" role="search" aria-label="{escape(label)}">\n'
        f"  {filter_fields(form)}\n"
        '  <div class="field">\n    <label for="id_sort">Sort</label>\n    <select name="sort" id="id_sort">\n'
        f"      {sort_options(sort_choices, sort)}\n"
        '    </select>\n  </div>\n  <div class="filters__actions">\n'
        '    <button class="btn btn--primary" type="submit">Apply</button>\n'
        f"    {clear}\n  </div>\n</form>\n")


@register.simple_tag
def pagination(prev_url, next_url, *, summary="", label="Pagination"):
    """Keyset-friendly pagination: no page numbers, only "Newer" and "Older" links (each shown disabled when
    there is no such page); nothing when there is neither. ``summary``: e.g. "50 requests per page";
    ``label``: the nav's accessible name."""
    if not (prev_url or next_url):
        return "\n"
    newer = (f'<a class="btn btn--secondary" href="{escape(prev_url)}" rel="prev"><span aria-hidden="true">&larr;'
             "</span> Newer</a>" if prev_url else
             '<span class="is-disabled" aria-disabled="true"><span aria-hidden="true">&larr;</span>&nbsp;Newer</span>')
    older = (f'<a class="btn btn--secondary" href="{escape(next_url)}" rel="next">Older <span aria-hidden="true">'
             "&rarr;</span></a>" if next_url else
             '<span class="is-disabled" aria-disabled="true">Older&nbsp;<span aria-hidden="true">&rarr;</span></span>')
    summary_item = f'<li class="pagination__summary">{escape(summary)}</li>' if summary else ""
    return mark_safe(f'\n<nav class="pagination" aria-label="{escape(label or "Pagination")}">\n  <ul>\n'
                     f"    <li>{newer}</li>\n    {summary_item}\n    <li>{older}</li>\n  </ul>\n</nav>\n")
