"""Connector REST API URLs (app_name "connector-api"), mounted at /api/connector/; pk = Secret Server secret id."""
from django.urls import path

from connector.api.audit import AuditEventViewSet
from connector.api.endpoints import EndpointDetailApi, EndpointListCreateApi, EndpointTokenApi
from connector.api.settings import SettingsApi

app_name = "connector-api"

urlpatterns = [
    path("settings/", SettingsApi.as_view(), name="settings"),
    path("endpoints/", EndpointListCreateApi.as_view(), name="endpoint-list"),
    path("endpoints/<int:pk>/", EndpointDetailApi.as_view(), name="endpoint-detail"),
    path("endpoints/<int:pk>/token/", EndpointTokenApi.as_view(), name="endpoint-token"),
    path("audit-events/", AuditEventViewSet.as_view({"get": "list"}), name="auditevent-list"),
    path("audit-events/<int:seq>/", AuditEventViewSet.as_view({"get": "retrieve"}), name="auditevent-detail"),
]
