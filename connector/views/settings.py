"""Home, About, the "Secret Server" setup view and the Configuration Settings view. Thin: services do the work."""
from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from connector.access import admin_required, request_access, staff_required
from connector.errors import ConnectorError
from connector.forms.settings import ConfigurationSettingsForm, SecretServerSetupForm
from connector.messages import MSG_CONFIRMED_LATE, MSG_NO_ACCESS, MSG_RECOVER_WITH_SETUP
from connector.selectors.settings import SCIM_VERSION, connector_version, log_file_status, scim_features
from connector.services.configuration_service import (
    SETTINGS_CACHE_SECONDS,
    SettingsConflict,
    SettingsMirrorBehind,
    settings_current,
    settings_document_recent,
    settings_update,
)
from connector.services.connection import bootstrap_get, connector_is_configured
from connector.services.setup import scim_objects_recreate, secretserver_setup, setup_status, setup_status_cached
from connector.services.status import connector_status
from connector.views.failures import error_to_form, error_to_messages
from connector.views.write_access import (
    admin_write_confirmed,
    form_read_only,
    is_read_only,
    staff_reads_admin_writes,
)
from scim.selectors import scim_refused_reason


def _actor(request):
    return request.user if request.user.is_authenticated else None


@staff_required
def home(request):
    current = settings_current()
    return render(request, "connector/home.html", {
        "nav_section": "home", "status": connector_status(), "scim_version": SCIM_VERSION,
        "scim_features": scim_features(current), "connector_disabled": current.connector_disabled,
        "connector_disabled_reason": scim_refused_reason(current),
        "connector_version": connector_version(), "log_files": log_file_status(current),
    })


def about(request):
    return render(request, "connector/about.html", {"nav_section": "about", "connector_version": connector_version(),
                                                    "scim_version": SCIM_VERSION})


VISITOR_STATUS_CACHE_KEY = "connector:setup-status:visitor"
VISITOR_STATUS_SECONDS = 15


def _visitor_setup_status(bootstrap):
    """Is the connector's secret gone (recovery)? Asked for people who are not administrators, so it is shared
    and cached briefly: anonymous visitors cost Secret Server at most one status check per 15 s."""
    status = cache.get(VISITOR_STATUS_CACHE_KEY)
    if status is None:
        status = setup_status(bootstrap)
        cache.set(VISITOR_STATUS_CACHE_KEY, status, VISITOR_STATUS_SECONDS)
    return status


@require_http_methods(["GET", "POST"])
def settings_secretserver(request):
    """Before setup: open to anyone (the form itself demands a Secret Server administrator). After: admins.

    Recovery: when the SCIMSecret or the folder was deleted in Secret Server nobody can sign in as a connector
    administrator any more, so the form is open again; the setup service still demands a Secret Server
    administrator of the configured server, and the connection details stay hidden from a visitor.
    """
    configured = connector_is_configured()
    bootstrap = bootstrap_get()
    status = None
    recovery = False
    if configured:
        access = request_access(request)
        if access is None or not access.is_admin:
            status = _visitor_setup_status(bootstrap)
            if not status.needs_recreate:
                if access is None:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied(MSG_NO_ACCESS)
            recovery = True
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
            except ConnectorError as exc:
                error_to_form(form, exc)
            else:
                cache.delete(VISITOR_STATUS_CACHE_KEY)
                messages.success(request, f"{result.message}. {result.summary}")
                return redirect("connector:settings-secretserver" if not recovery else "login")
    else:
        initial = {"url": bootstrap.secret_server_url, "app_username": bootstrap.app_username,
                   "app_domain": bootstrap.app_domain, "app_site_id": bootstrap.app_site_id} \
            if bootstrap and not recovery else {}
        form = SecretServerSetupForm(initial=initial)
    return render(request, "connector/settings_secretserver.html", {
        "nav_section": "settings-secretserver", "form": form, "configured": configured, "bootstrap": bootstrap,
        "status": status or (setup_status_cached(bootstrap) if configured else None), "recovery": recovery,
        "recovery_message": MSG_RECOVER_WITH_SETUP,
    })


@admin_required
@admin_write_confirmed
@require_POST
def settings_secretserver_recreate(request):
    access = request_access(request)
    try:
        result = scim_objects_recreate(owner_ss_user_id=access.ss_user_id, actor=_actor(request), request=request)
    except ConnectorError as exc:
        error_to_messages(request, exc)
    else:
        messages.success(request, result.summary)
    return redirect("connector:settings-secretserver")


@staff_reads_admin_writes
@admin_write_confirmed
@require_http_methods(["GET", "POST"])
def settings_configuration(request):
    load_error = ""
    form = None
    disabled = None
    if request.method == "POST":
        form = ConfigurationSettingsForm(request.POST)
        if form.is_valid():
            try:
                document = settings_update(actor=_actor(request), request=request, values=form.setting_values(),
                                           expected_revision=form.cleaned_data["revision"])
            except SettingsConflict as exc:
                form = ConfigurationSettingsForm(initial=ConfigurationSettingsForm.initial_from(
                    exc.current.settings, exc.current.revision))
                error_to_messages(request, exc)
            except SettingsMirrorBehind as exc:
                error_to_messages(request, exc)
                return redirect("connector:settings-configuration")
            except ConnectorError as exc:
                error_to_form(form, exc)
            else:
                late = f" {MSG_CONFIRMED_LATE}" if getattr(document, "confirmed_late", False) else ""
                messages.success(request, f"Configuration saved (revision {document.revision}).{late}")
                return redirect("connector:settings-configuration")
    else:
        try:
            document = settings_document_recent()  # cached ≤ 30 s: a save still checks the revision
        except ConnectorError as exc:
            load_error = exc.message
        else:
            form = ConfigurationSettingsForm(initial=ConfigurationSettingsForm.initial_from(
                document.settings, document.revision))
            disabled = document.settings.connector_disabled
    if disabled is None:
        disabled = settings_current().connector_disabled
    read_only = is_read_only(request)
    if read_only and form is not None:
        form_read_only(form)
    return render(request, "connector/settings_configuration.html", {
        "nav_section": "settings-configuration", "form": form, "load_error": load_error,
        "connector_disabled": disabled, "read_only": read_only, "settings_cache_seconds": SETTINGS_CACHE_SECONDS,
    })
