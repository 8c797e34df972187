"""SCIM endpoint pages (Settings → SCIM Connector Endpoints). Thin: forms in, services do the work.

A save that generates a token redirects to the endpoint's page (F5 never resubmits), which shows the token
once from the session (connector/views/token_once.py) with ``Cache-Control: no-store``.
"""
from html import escape

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from connector.access import admin_required
from connector.forms.endpoints import EndpointForm, MappingFormSet, mappings_from_formset
from connector.errors import ConnectorError, NotConfigured, SavedNotMirrored
from connector.messages import MSG_CONFIRMED_LATE
from connector.selectors.endpoints import endpoint_mirror_list
from connector.services.endpoints import (
    EndpointConflict,
    EndpointNotFound,
    endpoint_create,
    endpoint_delete,
    endpoint_get,
    endpoint_list,
    endpoint_token_regenerate,
    endpoint_update,
)
from connector.views.failures import error_to_form, error_to_messages
from connector.views.write_access import (
    admin_write_confirmed,
    form_read_only,
    is_read_only,
    staff_reads_admin_writes,
)
from connector.views.token_once import token_keep_for_next_page, token_take

FORM_TEMPLATE = "connector/endpoints/form.html"


def _failed(request, exc: ConnectorError):
    """A refused read or write, as a page: not configured → home; not found → 404; else a message and the list.

    Secret Server took a change the mirror missed (``SavedNotMirrored``): a warning, back to the list.
    """
    if isinstance(exc, EndpointNotFound):
        raise Http404(exc.message) from None
    error_to_messages(request, exc)
    if isinstance(exc, NotConfigured):
        return redirect("/")
    return redirect("connector:endpoint-list")


LIST_COLUMNS = ("ss_secret_id", "name", "url", "username", "token_expires_at", "permission_mappings")


def _endpoint_rows_html(endpoints, *, read_only: bool = False) -> str:
    """The list's table body built in Python: the same markup as a template loop with three {% url %} per row,
    which cost more than the rest of the page at 1,000 endpoints. ``endpoints``: tuples of LIST_COLUMNS."""
    edit = reverse("connector:endpoint-edit", args=[0])[:-2]
    delete_suffix = reverse("connector:endpoint-delete", args=[0])[len(edit) + 1:]
    rows = []
    zone = timezone.get_current_timezone()  # once, not per row (timezone.localtime looks it up each call)
    for secret_id, name, url, username, expires_at, mappings in endpoints:
        name, edit_url = escape(name), f"{edit}{secret_id}/"
        if expires_at:
            local = expires_at.astimezone(zone)
            # date().isoformat() is strftime("%Y-%m-%d") at a tenth of the cost (a third of the rows' time)
            expires = (f'<time datetime="{local.isoformat()}">'
                       f'{local.date().isoformat()}</time>')
        else:
            expires = '<span class="badge badge--error">No token</span>'
        if read_only:  # auditors: a read-only page per endpoint, no delete
            actions = (f'<a class="btn btn--secondary btn--small" href="{edit_url}">View'
                       f'<span class="visually-hidden"> {name}</span></a>')
        else:
            actions = (f'<a class="btn btn--secondary btn--small" href="{edit_url}">Edit'
                       f'<span class="visually-hidden"> {name}</span></a>\n          <a class="btn btn--danger btn--small" '
                       f'href="{edit}{secret_id}{delete_suffix}">Delete<span class="visually-hidden"> {name}</span></a>')
        rows.append(
            f'\n      <tr>\n        <td><a href="{edit_url}">{name}</a></td>\n'
            f'        <td class="break">{escape(url)}</td>\n        <td>{escape(username)}</td>\n'
            f'        <td class="nowrap">{expires}</td>\n        <td>{len(mappings or ())}</td>\n'
            f'        <td class="nowrap">\n          {actions}'
            f"\n        </td>\n      </tr>")
    return mark_safe("".join(rows))


@staff_reads_admin_writes
def endpoint_list_view(request):
    warning = None
    try:
        endpoints = endpoint_list(full=request.GET.get("refresh") == "1")
    except NotConfigured as exc:
        return _failed(request, exc)
    except ConnectorError as exc:
        endpoints = endpoint_mirror_list()
        warning = f"{exc.message} Showing the local copy, which may be out of date."
    rows = list(endpoints.values_list(*LIST_COLUMNS))  # one query, no model instances
    read_only = is_read_only(request)
    return render(request, "connector/endpoints/list.html",
                  {"endpoints": bool(rows), "rows_html": _endpoint_rows_html(rows, read_only=read_only),
                   "warning": warning, "nav_section": "settings-endpoints", "read_only": read_only})


def _mapping_initial(endpoint):
    return [{"type": m.get("type"), "value": m.get("value"), "role": m.get("role")}
            for m in endpoint.permission_mappings]


def _render_form(request, form, formset, *, endpoint=None, token=None, status=200):
    read_only = is_read_only(request)
    if read_only:
        form_read_only(form, formset)
    context = {"form": form, "formset": formset, "endpoint": endpoint, "token": token, "read_only": read_only,
               "nav_section": "settings-endpoints",
               "action_url": (reverse("connector:endpoint-edit", args=[endpoint.ss_secret_id]) if endpoint
                              else reverse("connector:endpoint-add"))}
    response = render(request, FORM_TEMPLATE, context, status=status)
    if token:
        add_never_cache_headers(response)  # Cache-Control: ... no-store, private
    return response


def _edit_form(endpoint):
    """The edit form and mapping formset filled from ``endpoint`` (password blank, revision hidden)."""
    form = EndpointForm(initial=EndpointForm.initial_from(endpoint), editing=True)
    formset = MappingFormSet(initial=_mapping_initial(endpoint), prefix="mappings")
    return form, formset


def _form_after_save(request, result):
    """Redirect to the saved endpoint's page, which shows the new token once (redirect after POST)."""
    token_keep_for_next_page(request, result.endpoint.ss_secret_id, result.token)
    return redirect("connector:endpoint-edit", result.endpoint.ss_secret_id)


def _conflict(request, exc):
    """Someone else saved first: show the values Secret Server holds now (nothing of this post is kept)."""
    error_to_messages(request, exc)
    form, formset = _edit_form(exc.current)
    return _render_form(request, form, formset, endpoint=exc.current, status=409)


def _save(request, form, save):
    """Run a create or update: the page that follows, or None when the form is to be shown with its errors.

    Saved: the form once more when a token was generated (shown once), else the list. Changed by someone
    else: the current values. Not configured, gone, or saved without the local copy: ``_failed``.
    """
    try:
        result = save()
    except EndpointConflict as exc:
        return _conflict(request, exc)
    except (NotConfigured, EndpointNotFound, SavedNotMirrored) as exc:
        return _failed(request, exc)
    except ConnectorError as exc:
        error_to_form(form, exc)
        return None
    messages.success(request, _late(f"Endpoint “{result.endpoint.name}” saved.", result))
    if result.token:
        return _form_after_save(request, result)
    return redirect("connector:endpoint-list")


def _late(text: str, result) -> str:
    """The success message, saying so when Secret Server's answer was lost and a re-read confirmed the save."""
    return f"{text} {MSG_CONFIRMED_LATE}" if result.confirmed_late else text


def _posted_revision(request):
    """The revision a token/delete form was loaded at, or None when it carries none (or garbage)."""
    try:
        return int(request.POST["revision"])
    except (KeyError, TypeError, ValueError):
        return None


@admin_required
@admin_write_confirmed
@require_http_methods(["GET", "POST"])
def endpoint_add_view(request):
    form = EndpointForm(request.POST or None)
    formset = MappingFormSet(request.POST or None, prefix="mappings")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        page = _save(request, form, lambda: endpoint_create(
            request=request, permission_mappings=mappings_from_formset(formset), **form.cleaned_data))
        if page is not None:
            return page
    return _render_form(request, form, formset, status=400 if request.method == "POST" else 200)


@staff_reads_admin_writes
@admin_write_confirmed
@require_http_methods(["GET", "POST"])
def endpoint_edit_view(request, pk):
    try:
        endpoint = endpoint_get(pk)
    except ConnectorError as exc:
        return _failed(request, exc)
    if request.method == "GET":
        form, formset = _edit_form(endpoint)
        return _render_form(request, form, formset, endpoint=endpoint, token=token_take(request, pk))
    form = EndpointForm(request.POST, editing=True)
    formset = MappingFormSet(request.POST, prefix="mappings")
    if form.is_valid() and formset.is_valid():
        page = _save(request, form, lambda: endpoint_update(
            endpoint.ss_secret_id, request=request, permission_mappings=mappings_from_formset(formset),
            expected_revision=form.cleaned_data.get("revision"), **form.endpoint_values()))
        if page is not None:
            return page
    return _render_form(request, form, formset, endpoint=endpoint, status=400)


@admin_required
@admin_write_confirmed
@require_POST
def endpoint_token_view(request, pk):
    try:
        result = endpoint_token_regenerate(pk, request=request, expected_revision=_posted_revision(request))
    except EndpointConflict as exc:
        return _conflict(request, exc)
    except SavedNotMirrored as exc:  # a new token nobody can see: say so as an error, as before
        messages.error(request, exc.message)
        return redirect("connector:endpoint-list")
    except ConnectorError as exc:
        return _failed(request, exc)
    messages.success(request, _late("New token generated. The previous token no longer works.", result))
    return _form_after_save(request, result)


@admin_required
@admin_write_confirmed
@require_http_methods(["GET", "POST"])
def endpoint_delete_view(request, pk):
    try:
        endpoint = endpoint_get(pk)
    except ConnectorError as exc:
        return _failed(request, exc)
    if request.method == "POST":
        try:
            endpoint_delete(endpoint.ss_secret_id, request=request, expected_revision=_posted_revision(request))
        except EndpointConflict as exc:
            error_to_messages(request, exc)
            return render(request, "connector/endpoints/delete.html",
                          {"endpoint": exc.current, "nav_section": "settings-endpoints"}, status=409)
        except EndpointNotFound as exc:
            return _failed(request, exc)
        except ConnectorError as exc:
            error_to_messages(request, exc)
        else:
            messages.success(request, f"Endpoint “{endpoint.name}” deleted. Its token no longer works.")
        return redirect("connector:endpoint-list")
    return render(request, "connector/endpoints/delete.html",
                  {"endpoint": endpoint, "nav_section": "settings-endpoints"})
