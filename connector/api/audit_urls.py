from django.urls import path

from connector.api.audit import AuditEventViewSet

urlpatterns = [
    path("audit-events/", AuditEventViewSet.as_view({"get": "list"}), name="auditevent-list"),
    path("audit-events/<int:seq>/", AuditEventViewSet.as_view({"get": "retrieve"}), name="auditevent-detail"),
]
