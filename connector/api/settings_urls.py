"""/api/connector/settings/ (app_name "connector-api")."""
from django.urls import path

from connector.api.settings import SettingsApi

urlpatterns = [
    path("settings/", SettingsApi.as_view(), name="settings"),
]
