"""Audit trail browser (included by connector/urls.py, app "connector")."""
from django.urls import path

from connector.views import audit

urlpatterns = [
    path("audit/", audit.audit_list, name="audit"),
    path("audit/export.csv", audit.audit_export, name="audit-export"),
    path("audit/<int:seq>/", audit.audit_detail, name="audit-detail"),
]
