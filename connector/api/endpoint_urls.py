"""/api/connector/endpoints/… (app_name "connector-api"); pk = Secret Server secret id."""
from django.urls import path

from connector.api.endpoints import EndpointDetailApi, EndpointListCreateApi, EndpointTokenApi

urlpatterns = [
    path("endpoints/", EndpointListCreateApi.as_view(), name="endpoint-list"),
    path("endpoints/<int:pk>/", EndpointDetailApi.as_view(), name="endpoint-detail"),
    path("endpoints/<int:pk>/token/", EndpointTokenApi.as_view(), name="endpoint-token"),
]
