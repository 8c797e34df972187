"""The SCIM tables in the Django admin are read-only."""
from django.contrib.admin.sites import site

from scim.models import ScimRequestLog, ScimResourceExtra


def test_scim_tables_are_registered_read_only(rf):
    request = rf.get("/admin/")
    for model in (ScimRequestLog, ScimResourceExtra):
        model_admin = site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
