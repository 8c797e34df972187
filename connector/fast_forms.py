"""Form fields rendered in Python: the same HTML as Django's widget templates, without the templates.

The history and audit pages render a filter bar of 6–7 fields on every view, the settings pages 8–12 fields.
Through Django's template widgets (``input.html`` + ``attrs.html``, ``select.html`` + one ``select_option.html``
include per option) and one ``components/form_field.html`` include per field that was the biggest part of
those pages' server time. ``PythonWidgetRenderer`` (the project's ``FORM_RENDERER``) builds the same markup for
the plain input (text, number, password, hidden, checkbox, …) and select widgets and hands anything else to
Django's templates; ``FastFilterForm`` is the base form the FilterSets use (``Meta.form``). ``form_field_html``
does the same for the label / help / errors wrapper of ``components/form_field.html`` (``{% form_field %}``
in templates). tests/unit/ui/test_fast_forms.py renders every form both ways and compares the bytes.
"""
from __future__ import annotations

import copy

import django_filters
from django import forms
from django_filters.filters import FilterMethod, QuerySetRequestMixin
from django.forms.renderers import DjangoTemplates
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from connector.memo import BoundedMemo

_INPUT_TEMPLATES = frozenset(f"django/forms/widgets/{kind}.html" for kind in (
    "input", "text", "date", "datetime", "time", "number", "email", "url", "search", "tel", "password", "hidden",
    "checkbox"))  # each of these templates is ``{% include "django/forms/widgets/input.html" %}``
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    """``attrs.html``: ``False`` omitted, ``True`` as a bare name, everything else ``name="value"``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {name}" if value is True else f' {name}="{conditional_escape(_text(value))}"')
    return "".join(out)


def _text(value) -> str:
    return value if isinstance(value, str) else "%s" % (value,)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{conditional_escape(_text(widget["value"]))}"'
    return f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"' \
           f"{value}{_attrs(widget['attrs'])}>"


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION_TEMPLATE:
                return None
            parts.append(f'\n  <option value="{conditional_escape(_text(option["value"]))}"'
                         f'{_attrs(option["attrs"])}>{conditional_escape(option["label"])}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class PythonWidgetRenderer(DjangoTemplates):
    """Django's template renderer, except that plain inputs and selects are built in Python (same HTML)."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            if template_name in _INPUT_TEMPLATES:
                return mark_safe(_input(widget))
            if template_name == _SELECT_TEMPLATE:
                html = _select(widget)
                if html is not None:
                    return mark_safe(html)
        return super().render(template_name, context, request)


PYTHON_WIDGET_RENDERER = PythonWidgetRenderer()


class FastFilterForm(forms.Form):
    """Base form of the list FilterSets (``Meta.form``): widgets rendered by ``PythonWidgetRenderer``."""

    default_renderer = PYTHON_WIDGET_RENDERER


def _filter_copy(original):
    """A per-FilterSet copy of one declared filter: shallow, with its method re-bound to the copy (what
    ``deepcopy`` achieved for django-filter at five times the cost)."""
    clone = copy.copy(original)
    clone.extra = dict(original.extra)
    if isinstance(original.filter, FilterMethod):
        clone.filter = FilterMethod(clone)
    return clone


class FastFilterSet(django_filters.FilterSet):
    """Base of the list FilterSets (history, audit trail): django-filter's FilterSet without two per-request
    costs that were a tenth of a list page's server time.

    * django-filter deep-copies every declared filter per FilterSet; here each is copied shallowly (filters
      keep no per-request state but ``model``, ``parent`` and a bound ``method``, which the copy re-binds).
    * django-filter builds a new form class per FilterSet (a ``type()`` call through the forms metaclass);
      here it is built once per FilterSet class, and its forms share the class's field objects instead of
      deep-copying them per request (``SharedFields``).

    Only for FilterSets whose fields do not depend on the request: filters with querysets
    (``ModelChoiceFilter`` and friends) are refused when the form class is first built. Nothing may change a
    filter form's fields per request (``form_read_only`` is for the settings forms only).
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _filter_copy(f) for name, f in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self

    def filter_queryset(self, queryset):
        """django-filter's, noting whether some filter narrowed the queryset (``narrows``)."""
        filtered = super().filter_queryset(queryset)
        self._narrowed = filtered is not queryset  # a filter without a value returns the queryset it was given
        return filtered

    @property
    def narrows(self) -> bool:
        """Whether ``qs`` is narrower than the queryset given: some filter had a value and applied it. An
        unfiltered list can be paged with statements compiled once per process (connector/keyset.py)."""
        self.qs
        return getattr(self, "_narrowed", False)

    def get_form_class(self):
        cls = type(self)
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            dynamic = [name for name, f in self.filters.items() if isinstance(f, QuerySetRequestMixin)]
            if dynamic:
                raise TypeError(f"{cls.__name__}: {dynamic} depend on the request; use django_filters.FilterSet")
            form_class = super().get_form_class()
            form_class.base_fields = SharedFields(form_class.base_fields)
            cls._form_class = form_class
        return form_class


class SharedFields(dict):
    """A form class's ``base_fields`` whose ``deepcopy`` (what every form does with them in ``__init__``) is a
    shallow copy: the forms of that class share the field objects, which is safe only because nothing changes
    them per request (validation and rendering read fields; they keep per-form state in the form and its
    bound fields)."""

    def __deepcopy__(self, memo):
        return dict(self)


_REQUIRED_MARKER = '<span class="required-marker" aria-hidden="true">*</span>'


def _help_html(field) -> str:
    if not field.help_text:
        return ""
    return f'<div class="field__help" id="{conditional_escape(field.auto_id)}_helptext">{field.help_text}</div>'


def _errors_html(field, errors) -> str:
    if not errors:
        return ""
    return (f'<div class="field__error" id="{conditional_escape(field.auto_id)}_error">'
            + "".join(f"<p>{conditional_escape(e)}</p>" for e in errors) + "</div>")


class StaticMarkupForm(forms.Form):
    """A form whose fields' markup depends only on its class, the value each field shows and whether it is
    disabled: labels, help, widgets and choices are fixed per class (never set per instance from data).

    The settings pages show the same values on nearly every view, so ``form_field_html`` remembers each field
    of such a form while it is unbound and without errors, per process (up to ``UNBOUND_MEMO_SIZE``).
    """


UNBOUND_MEMO_SIZE = 512
_unbound_memo = BoundedMemo(UNBOUND_MEMO_SIZE)


def _unbound_memo_key(field):
    form = field.form
    if form.is_bound or not isinstance(form, StaticMarkupForm) or field.errors:
        return None
    value = field.value()
    key = (type(form), field.html_name, form.auto_id, field.field.disabled, type(value), value, get_language())
    try:
        hash(key)
    except TypeError:
        return None
    return key


def form_field_html(field) -> str:
    """One bound field with the markup of ``components/form_field.html`` (without ``hide_label`` /
    ``extra_class``) built in Python: hidden, checkbox and plain fields; fieldset fields (radio lists, multiple
    checkboxes) go through the template itself. Fields of an unbound ``StaticMarkupForm`` are remembered."""
    key = _unbound_memo_key(field)
    if key is None:
        return _field_html(field)
    html = _unbound_memo.get(key)
    if html is None:
        html = _unbound_memo.put(key, _field_html(field))
    return html


def _field_html(field) -> str:
    if field.is_hidden:
        return mark_safe(f"{field}\n")
    if field.use_fieldset:
        return render_to_string("components/form_field.html", {"field": field})
    errors = field.errors
    invalid = " field--invalid" if errors else ""
    label = (f'<label for="{conditional_escape(field.id_for_label)}">{conditional_escape(field.label)}'
             f'{_REQUIRED_MARKER if field.field.required else ""}</label>')
    if field.widget_type == "checkbox":
        html = (f'\n<div class="field field--check{invalid}">\n  {field}\n  {label}\n  {_help_html(field)}\n  '
                f"{_errors_html(field, errors)}\n</div>\n")
    else:
        html = (f'\n<div class="field{invalid}">\n  {label}\n  {_help_html(field)}\n  {field}\n  '
                f"{_errors_html(field, errors)}\n</div>\n")
    return mark_safe(html)
