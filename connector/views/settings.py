"""Home, About, the "Secret Server" setup view and the Configuration Settings view. Thin: services do the work."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from connector.access import admin_required, request_access, staff_required
from connector.configuration import SettingsDocumentError
from connector.forms.settings import ConfigurationSettingsForm, SecretServerSetupForm
from connector.secretserver import SecretServerError, Unavailable
from connector.selectors.settings import (
    SCIM_VERSION,
    connector_settings_for_pages,
    connector_status,
    connector_version,
    log_file_status,
    scim_features,
)
from connector.services.audit import AuditWriteError
from connector.services.configuration_service import (
    UPDATE_FAILED,
    SettingsConflict,
    SettingsInvalid,
    SettingsMirrorBehind,
    SettingsUnavailable,
    settings_document_fresh,
    settings_update,
)
from connector.services.connection import bootstrap_get, connector_is_configured
from connector.services.setup import (
    UNAVAILABLE,
    SetupError,
    scim_objects_recreate,
    secretserver_setup,
    setup_status_cached,
)


def _actor(request):
    return request.user if request.user.is_authenticated else None


@staff_required
def home(request):
    current = connector_settings_for_pages()
    return render(request, "connector/home.html", {
        "nav_section": "home", "status": connector_status(), "scim_version": SCIM_VERSION,
        "scim_features": scim_features(current), "connector_disabled": current.connector_disabled,
        "connector_version": connector_version(), "log_files": log_file_status(current),
    })


def about(request):
    return render(request, "connector/about.html", {"nav_section": "about", "connector_version": connector_version(),
                                                    "scim_version": SCIM_VERSION})


@require_http_methods(["GET", "POST"])
def settings_secretserver(request):
    """Before setup: open to anyone (the form itself demands a Secret Server administrator). After: admins."""
    configured = connector_is_configured()
    if configured:
        access = request_access(request)
        if access is None:
            return redirect_to_login(request.get_full_path())
        if not access.is_admin:
            raise PermissionDenied("Login does not have permission to access SCIM Connector.")
    bootstrap = bootstrap_get()
    if request.method == "POST":
        form = SecretServerSetupForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = secretserver_setup(
                    url=data["url"], admin_username=data["admin_username"], admin_password=data["admin_password"],
                    admin_domain=data["admin_domain"], app_username=data["app_username"],
                    app_password=data["app_password"], app_domain=data["app_domain"],
                    app_site_id=data["app_site_id"], actor=_actor(request), request=request)
            except SetupError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except AuditWriteError as exc:
                form.add_error(None, exc.safe_message)
            else:
                messages.success(request, f"{result.message}. SCIM folder #{result.folder_id}, "
                                          f"SCIMSecret #{result.secret_id}.")
                return redirect("connector:settings-secretserver")
    else:
        initial = {"url": bootstrap.secret_server_url, "app_username": bootstrap.app_username,
                   "app_domain": bootstrap.app_domain, "app_site_id": bootstrap.app_site_id} if bootstrap else {}
        form = SecretServerSetupForm(initial=initial)
    return render(request, "connector/settings_secretserver.html", {
        "nav_section": "settings-secretserver", "form": form, "configured": configured, "bootstrap": bootstrap,
        "status": setup_status_cached(bootstrap) if configured else None,
    })


@admin_required
@require_POST
def settings_secretserver_recreate(request):
    access = request_access(request)
    try:
        result = scim_objects_recreate(owner_ss_user_id=access.ss_user_id, actor=_actor(request), request=request)
    except (SetupError, AuditWriteError) as exc:
        messages.error(request, getattr(exc, "message", None) or exc.safe_message)
    else:
        messages.success(request, f"SCIM folder #{result.folder_id} and SCIMSecret #{result.secret_id} are in place.")
    return redirect("connector:settings-secretserver")


@admin_required
@require_http_methods(["GET", "POST"])
def settings_configuration(request):
    load_error = ""
    form = None
    if request.method == "POST":
        form = ConfigurationSettingsForm(request.POST)
        if form.is_valid():
            try:
                document = settings_update(actor=_actor(request), request=request, values=form.setting_values(),
                                           expected_revision=form.cleaned_data["revision"])
            except SettingsInvalid as exc:
                form.apply_field_errors(exc.field_errors)
            except SettingsConflict as exc:
                form = ConfigurationSettingsForm(initial=ConfigurationSettingsForm.initial_from(
                    exc.current.settings, exc.current.revision))
                messages.error(request, exc.message)
            except SettingsUnavailable as exc:
                form.add_error(None, exc.message)
            except SettingsMirrorBehind as exc:
                messages.warning(request, exc.message)
                return redirect("connector:settings-configuration")
            except AuditWriteError as exc:
                form.add_error(None, f"{UPDATE_FAILED} {exc.safe_message}")
            else:
                messages.success(request, f"Configuration saved (revision {document.revision}).")
                return redirect("connector:settings-configuration")
        disabled = None
    else:
        disabled = None
        try:
            document = settings_document_fresh()
        except Unavailable:
            load_error = UNAVAILABLE
        except SecretServerError as exc:
            load_error = exc.product_message or "Secret Server refused to read the settings."
        except SettingsDocumentError as exc:
            load_error = str(exc)
        else:
            form = ConfigurationSettingsForm(initial=ConfigurationSettingsForm.initial_from(
                document.settings, document.revision))
            disabled = document.settings.connector_disabled
    if disabled is None:
        disabled = connector_settings_for_pages().connector_disabled
    return render(request, "connector/settings_configuration.html", {
        "nav_section": "settings-configuration", "form": form, "load_error": load_error,
        "connector_disabled": disabled,
    })
