"""Connector UI URLs (app_name "connector"), grouped by area; sign-in/out as ``account_urlpatterns``
(un-namespaced: "login", "logout"), mounted at /accounts/ by scimsite/urls.py. pk = Secret Server secret id."""
from django.urls import path

from connector.views import audit, endpoints, messages, settings
from connector.views.accounts import signin_view, signout_view

app_name = "connector"

account_urlpatterns = [
    path("login/", signin_view, name="login"),
    path("logout/", signout_view, name="logout"),
]

urlpatterns = [
    # home, about, setup, configuration settings
    path("", settings.home, name="home"),
    path("about/", settings.about, name="about"),
    path("settings/secret-server/", settings.settings_secretserver, name="settings-secretserver"),
    path("settings/secret-server/recreate/", settings.settings_secretserver_recreate,
         name="settings-secretserver-recreate"),
    path("settings/configuration/", settings.settings_configuration, name="settings-configuration"),
    # SCIM endpoints
    path("settings/endpoints/", endpoints.endpoint_list_view, name="endpoint-list"),
    path("settings/endpoints/add/", endpoints.endpoint_add_view, name="endpoint-add"),
    path("settings/endpoints/<int:pk>/", endpoints.endpoint_edit_view, name="endpoint-edit"),
    path("settings/endpoints/<int:pk>/delete/", endpoints.endpoint_delete_view, name="endpoint-delete"),
    path("settings/endpoints/<int:pk>/token/", endpoints.endpoint_token_view, name="endpoint-token"),
    # audit trail browser
    path("audit/", audit.audit_list, name="audit"),
    path("audit/export.csv", audit.audit_export, name="audit-export"),
    path("audit/<int:seq>/", audit.audit_detail, name="audit-detail"),
    # live messages
    path("messages/", messages.messages_page, name="messages"),
    path("messages/feed/", messages.messages_feed, name="messages-feed"),
]
