"""SCIM endpoint pages (Settings → SCIM Connector Endpoints). Thin: forms in, services do the work.

A page that shows a freshly generated token is rendered directly (never via redirect, so the token is
not carried through the session or messages) with ``Cache-Control: no-store``.
"""
from html import escape

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from connector.access import admin_required
from connector.forms.endpoints import EndpointForm, MappingFormSet, mappings_from_formset
from connector.secretserver import SecretServerError
from connector.selectors.endpoints import endpoint_mirror_list
from connector.services.audit import AuditWriteError
from connector.services.connection import ConnectorNotConfigured
from connector.services.endpoints import (
    EndpointConflict,
    EndpointMirrorFailed,
    EndpointNotFound,
    endpoint_create,
    endpoint_delete,
    endpoint_error_message,
    endpoint_get,
    endpoint_list,
    endpoint_token_regenerate,
    endpoint_update,
)

FORM_TEMPLATE = "connector/endpoints/form.html"


def _no_store(response):
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


_error_message = endpoint_error_message


def _not_configured(request, exc):
    messages.error(request, exc.message)
    return redirect("/")


def _saved_but_not_mirrored(request, exc):
    """Secret Server took the change but the local mirror did not: a warning, and back to the list."""
    messages.warning(request, _error_message(exc))
    return redirect("connector:endpoint-list")


LIST_COLUMNS = ("ss_secret_id", "name", "url", "username", "token_expires_at", "permission_mappings")


def _endpoint_rows_html(endpoints) -> str:
    """The list's table body built in Python: the same markup as a template loop with three {% url %} per row,
    which cost more than the rest of the page at 1,000 endpoints. ``endpoints``: tuples of LIST_COLUMNS."""
    edit = reverse("connector:endpoint-edit", args=[0])[:-2]
    delete_suffix = reverse("connector:endpoint-delete", args=[0])[len(edit) + 1:]
    rows = []
    for secret_id, name, url, username, expires_at, mappings in endpoints:
        name, edit_url = escape(name), f"{edit}{secret_id}/"
        if expires_at:
            local = timezone.localtime(expires_at)
            expires = (f'<time datetime="{local.isoformat()}">'
                       f'{local.strftime("%Y-%m-%d")}</time>')
        else:
            expires = '<span class="badge badge--error">No token</span>'
        rows.append(
            f'\n      <tr>\n        <td><a href="{edit_url}">{name}</a></td>\n'
            f'        <td class="break">{escape(url)}</td>\n        <td>{escape(username)}</td>\n'
            f'        <td class="nowrap">{expires}</td>\n        <td>{len(mappings or ())}</td>\n'
            f'        <td class="nowrap">\n          <a class="btn btn--secondary btn--small" href="{edit_url}">Edit'
            f'<span class="visually-hidden"> {name}</span></a>\n          <a class="btn btn--danger btn--small" '
            f'href="{edit}{secret_id}{delete_suffix}">Delete<span class="visually-hidden"> {name}</span></a>'
            f"\n        </td>\n      </tr>")
    return mark_safe("".join(rows))


@admin_required
def endpoint_list_view(request):
    warning = None
    try:
        endpoints = endpoint_list(full=request.GET.get("refresh") == "1")
    except ConnectorNotConfigured as exc:
        return _not_configured(request, exc)
    except SecretServerError as exc:
        endpoints = endpoint_mirror_list()
        warning = f"{_error_message(exc)} Showing the local copy, which may be out of date."
    rows = list(endpoints.values_list(*LIST_COLUMNS))  # one query, no model instances
    return render(request, "connector/endpoints/list.html",
                  {"endpoints": bool(rows), "rows_html": _endpoint_rows_html(rows), "warning": warning,
                   "nav_section": "settings-endpoints"})


def _mapping_initial(endpoint):
    return [{"type": m.get("type"), "value": m.get("value"), "role": m.get("role")}
            for m in endpoint.permission_mappings]


def _render_form(request, form, formset, *, endpoint=None, token=None, status=200):
    context = {"form": form, "formset": formset, "endpoint": endpoint, "token": token,
               "nav_section": "settings-endpoints",
               "action_url": (reverse("connector:endpoint-edit", args=[endpoint.ss_secret_id]) if endpoint
                              else reverse("connector:endpoint-add"))}
    response = render(request, FORM_TEMPLATE, context, status=status)
    return _no_store(response) if token else response


def _apply_errors(form, formset, exc):
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            if field in form.fields:
                for message in errors:
                    form.add_error(field, message)
            else:
                for message in errors:
                    form.add_error(None, message)
    else:
        form.add_error(None, _error_message(exc))


def _edit_form(endpoint):
    """The edit form and mapping formset filled from ``endpoint`` (password blank, revision hidden)."""
    form = EndpointForm(initial=EndpointForm.initial_from(endpoint), editing=True)
    formset = MappingFormSet(initial=_mapping_initial(endpoint), prefix="mappings")
    return form, formset


def _form_after_save(request, result):
    """Re-open the saved endpoint's form showing the new token once."""
    form, formset = _edit_form(result.endpoint)
    return _render_form(request, form, formset, endpoint=result.endpoint, token=result.token)


def _conflict(request, exc):
    """Someone else saved first: show the values Secret Server holds now (nothing of this post is kept)."""
    messages.error(request, exc.message)
    form, formset = _edit_form(exc.current)
    return _render_form(request, form, formset, endpoint=exc.current, status=409)


def _posted_revision(request):
    """The revision a token/delete form was loaded at, or None when it carries none (or garbage)."""
    try:
        return int(request.POST["revision"])
    except (KeyError, TypeError, ValueError):
        return None


@admin_required
@require_http_methods(["GET", "POST"])
def endpoint_add_view(request):
    form = EndpointForm(request.POST or None)
    formset = MappingFormSet(request.POST or None, prefix="mappings")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            result = endpoint_create(request=request, permission_mappings=mappings_from_formset(formset),
                                     **form.cleaned_data)
        except ConnectorNotConfigured as exc:
            return _not_configured(request, exc)
        except EndpointMirrorFailed as exc:
            return _saved_but_not_mirrored(request, exc)
        except (ValidationError, SecretServerError, AuditWriteError) as exc:
            _apply_errors(form, formset, exc)
        else:
            messages.success(request, f"Endpoint “{result.endpoint.name}” saved.")
            return _form_after_save(request, result)
    return _render_form(request, form, formset, status=400 if request.method == "POST" else 200)


@admin_required
@require_http_methods(["GET", "POST"])
def endpoint_edit_view(request, pk):
    try:
        endpoint = endpoint_get(pk)
    except ConnectorNotConfigured as exc:
        return _not_configured(request, exc)
    except EndpointNotFound:
        raise Http404("Endpoint not found.") from None
    except SecretServerError as exc:
        messages.error(request, _error_message(exc))
        return redirect("connector:endpoint-list")
    if request.method == "GET":
        form, formset = _edit_form(endpoint)
        return _render_form(request, form, formset, endpoint=endpoint)
    form = EndpointForm(request.POST, editing=True)
    formset = MappingFormSet(request.POST, prefix="mappings")
    if form.is_valid() and formset.is_valid():
        try:
            result = endpoint_update(endpoint.ss_secret_id, request=request,
                                     permission_mappings=mappings_from_formset(formset),
                                     expected_revision=form.cleaned_data.get("revision"), **form.endpoint_values())
        except EndpointNotFound:
            raise Http404("Endpoint not found.") from None
        except EndpointConflict as exc:
            return _conflict(request, exc)
        except EndpointMirrorFailed as exc:
            return _saved_but_not_mirrored(request, exc)
        except (ValidationError, SecretServerError, AuditWriteError) as exc:
            _apply_errors(form, formset, exc)
        else:
            messages.success(request, f"Endpoint “{result.endpoint.name}” saved.")
            if result.token:
                return _form_after_save(request, result)
            return redirect("connector:endpoint-list")
    return _render_form(request, form, formset, endpoint=endpoint, status=400)


@admin_required
@require_POST
def endpoint_token_view(request, pk):
    try:
        result = endpoint_token_regenerate(pk, request=request, expected_revision=_posted_revision(request))
    except EndpointNotFound:
        raise Http404("Endpoint not found.") from None
    except EndpointConflict as exc:
        return _conflict(request, exc)
    except ConnectorNotConfigured as exc:
        return _not_configured(request, exc)
    except (EndpointMirrorFailed, SecretServerError, AuditWriteError) as exc:
        messages.error(request, _error_message(exc))
        return redirect("connector:endpoint-list")
    messages.success(request, "New token generated. The previous token no longer works.")
    return _form_after_save(request, result)


@admin_required
@require_http_methods(["GET", "POST"])
def endpoint_delete_view(request, pk):
    try:
        endpoint = endpoint_get(pk)
    except EndpointNotFound:
        raise Http404("Endpoint not found.") from None
    except ConnectorNotConfigured as exc:
        return _not_configured(request, exc)
    except SecretServerError as exc:
        messages.error(request, _error_message(exc))
        return redirect("connector:endpoint-list")
    if request.method == "POST":
        try:
            endpoint_delete(endpoint.ss_secret_id, request=request, expected_revision=_posted_revision(request))
        except EndpointNotFound:
            raise Http404("Endpoint not found.") from None
        except EndpointConflict as exc:
            messages.error(request, exc.message)
            return render(request, "connector/endpoints/delete.html",
                          {"endpoint": exc.current, "nav_section": "settings-endpoints"}, status=409)
        except EndpointMirrorFailed as exc:
            messages.warning(request, _error_message(exc))
        except (SecretServerError, AuditWriteError) as exc:
            messages.error(request, _error_message(exc))
        else:
            messages.success(request, f"Endpoint “{endpoint.name}” deleted. Its token no longer works.")
        return redirect("connector:endpoint-list")
    return render(request, "connector/endpoints/delete.html",
                  {"endpoint": endpoint, "nav_section": "settings-endpoints"})
