"""``sync_connector`` step for the PAM extras: drop rows whose folder or permission is gone from Secret Server.

The PAM resources keep, per endpoint, what Secret Server has no field for (a container's ``externalId``, the
rights a client sent for a permission) in ``ScimResourceExtra``, like users and groups (scim.services.extras).
"""
from __future__ import annotations

from django.db import transaction

from scim.models import ScimResourceExtra


def pam_extras_sync(client, bootstrap, progress) -> dict[str, int]:
    alive = {
        "Container": {f.id for f in client.search_folders()},
        "ContainerPermission": {p.id for p in client.all_folder_permissions()},
        "PrivilegedDataPermission": {p.id for p in client.secret_permissions()},
    }
    progress.total = 1
    dropped = 0
    with transaction.atomic():
        for kind, ids in alive.items():
            dropped += ScimResourceExtra.objects.filter(resource_type=kind).exclude(ss_id__in=ids).delete()[0]
    progress.update(1)
    return {"scim_pam_extras_dropped": dropped}
