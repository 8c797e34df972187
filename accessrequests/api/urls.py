from django.urls import path

from accessrequests.api.views import AccessRequestViewSet

app_name = "accessrequests-api"

urlpatterns = [
    path("", AccessRequestViewSet.as_view({"get": "list"}), name="accessrequest-list"),
    path("<int:pk>/", AccessRequestViewSet.as_view({"get": "retrieve"}), name="accessrequest-detail"),
]
