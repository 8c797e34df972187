"""``sync_connector`` drops PAM extras whose folder or permission is gone from Secret Server."""
import pytest

from connector.services.sync import SYNC_STEPS, connector_sync
from scim.models import ScimResourceExtra
from scim.pam.schemas import CONTAINER_PERMISSION_SCHEMA, CONTAINER_SCHEMA
from scim.pam.sync import pam_extras_sync

pytestmark = pytest.mark.django_db


def test_rows_of_gone_folders_and_permissions_are_dropped(scim, ss_app, connector, endpoint):
    assert pam_extras_sync in SYNC_STEPS
    kept = scim.post("/v2/Containers", {"schemas": [CONTAINER_SCHEMA], "name": "Kept", "externalId": "k"}).json_body
    gone = scim.post("/v2/Containers", {"schemas": [CONTAINER_SCHEMA], "name": "Gone", "externalId": "g"}).json_body
    alice = next(u for u in ss_app.search_users("alice") if u.user_name == "alice")
    grant = scim.post("/v2/ContainerPermissions", {"schemas": [CONTAINER_PERMISSION_SCHEMA],
                                                   "container": {"value": kept["id"]},
                                                   "user": {"value": str(alice.id)}, "rights": ["x"]}).json_body
    ss_app.delete_folder(int(gone["id"]))  # deleted in Secret Server directly
    [row] = [p for p in ss_app.folder_permissions(int(kept["id"])) if p.id == int(grant["id"])]
    ss_app.delete_folder_permission(row.id)
    report = connector_sync(ss_app, connector)
    assert report.ok, report.errors
    assert report.counts["scim_pam_extras_dropped"] == 2
    assert list(ScimResourceExtra.objects.filter(resource_type__in=["Container", "ContainerPermission"])
                .values_list("resource_type", "ss_id")) == [("Container", int(kept["id"]))]
