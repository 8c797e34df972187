"""SCIM endpoint pages (included by connector/urls.py, app_name "connector"); pk = Secret Server secret id."""
from django.urls import path

from connector.views import endpoints as views

urlpatterns = [
    path("settings/endpoints/", views.endpoint_list_view, name="endpoint-list"),
    path("settings/endpoints/add/", views.endpoint_add_view, name="endpoint-add"),
    path("settings/endpoints/<int:pk>/", views.endpoint_edit_view, name="endpoint-edit"),
    path("settings/endpoints/<int:pk>/delete/", views.endpoint_delete_view, name="endpoint-delete"),
    path("settings/endpoints/<int:pk>/token/", views.endpoint_token_view, name="endpoint-token"),
]
