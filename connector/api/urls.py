"""Connector REST API URLs (app_name "connector-api")."""
from django.urls import include, path

app_name = "connector-api"

urlpatterns = [
    path("", include("connector.api.settings_urls")),
    path("", include("connector.api.endpoint_urls")),
    path("", include("connector.api.audit_urls")),
]
