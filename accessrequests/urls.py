"""Access-request history URLs: the pages (app_name "accessrequests", mounted at /history/) and the read-only
API (``api_urlpatterns``, namespace "accessrequests-api", mounted at /api/access-requests/)."""
from django.urls import path

from accessrequests import views
from accessrequests.api.views import AccessRequestViewSet

app_name = "accessrequests"

urlpatterns = [
    path("", views.history, name="history"),
    path("export.csv", views.export, name="export"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.detail, name="detail"),
]

api_urlpatterns = [
    path("", AccessRequestViewSet.as_view({"get": "list"}), name="accessrequest-list"),
    path("<int:pk>/", AccessRequestViewSet.as_view({"get": "retrieve"}), name="accessrequest-detail"),
]
