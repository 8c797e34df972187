"""Connector UI URLs (app_name "connector"). Each area keeps its own module so work does not collide."""
from django.urls import include, path

app_name = "connector"

urlpatterns = [
    path("", include("connector.urls_settings")),  # home, about, setup, configuration settings
    path("", include("connector.urls_endpoints")),  # SCIM endpoints
    path("", include("connector.urls_audit")),  # audit trail browser
    path("", include("connector.urls_messages")),  # live messages
]
