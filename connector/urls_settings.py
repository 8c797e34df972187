"""Home, About and the settings area's pages (Secret Server setup, Configuration Settings)."""
from django.urls import path

from connector.views import settings as views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("settings/secret-server/", views.settings_secretserver, name="settings-secretserver"),
    path("settings/secret-server/recreate/", views.settings_secretserver_recreate,
         name="settings-secretserver-recreate"),
    path("settings/configuration/", views.settings_configuration, name="settings-configuration"),
]
