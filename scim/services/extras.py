"""The attributes Secret Server has no field for, kept per endpoint and keyed by Secret Server id.

See ``scim.models.ScimResourceExtra``. ``extras_sync`` is a ``sync_connector`` step: it drops rows whose
Secret Server user or group is gone, and rows of endpoints that no longer exist.
"""
from __future__ import annotations

from django.db import transaction

from connector.models import EndpointMirror
from scim.models import ScimResourceExtra


def extras_for(endpoint_id: int, resource_type: str, ids) -> dict[int, ScimResourceExtra]:
    ids = list(ids)
    if not ids:
        return {}
    rows = ScimResourceExtra.objects.filter(endpoint_secret_id=endpoint_id, resource_type=resource_type)
    if len(ids) <= 500:
        rows = rows.filter(ss_id__in=ids)
    return {row.ss_id: row for row in rows}


def extras_of_endpoint(endpoint_id: int, resource_type: str) -> dict[int, ScimResourceExtra]:
    """Every row of one endpoint and type (kept with the endpoint's cached list, scim/services/users.py)."""
    return {row.ss_id: row for row in ScimResourceExtra.objects.filter(endpoint_secret_id=endpoint_id,
                                                                       resource_type=resource_type)}


def extra_get(endpoint_id: int, resource_type: str, ss_id: int) -> ScimResourceExtra | None:
    return ScimResourceExtra.objects.filter(endpoint_secret_id=endpoint_id, resource_type=resource_type,
                                            ss_id=ss_id).first()


def extra_save(endpoint_id: int, resource_type: str, ss_id: int, *, data: dict, external_id: str = "",
               deleted: bool = False) -> ScimResourceExtra:
    row, _ = ScimResourceExtra.objects.update_or_create(
        endpoint_secret_id=endpoint_id, resource_type=resource_type, ss_id=ss_id,
        defaults={"data": data, "external_id": (external_id or "")[:255], "deleted": deleted})
    return row


def extra_mark_deleted(endpoint_id: int, resource_type: str, ss_id: int) -> None:
    row, created = ScimResourceExtra.objects.get_or_create(
        endpoint_secret_id=endpoint_id, resource_type=resource_type, ss_id=ss_id, defaults={"deleted": True})
    if not created and not row.deleted:
        row.deleted = True
        row.save(update_fields=["deleted", "last_modified"])


def extra_drop(endpoint_id: int, resource_type: str, ss_id: int) -> None:
    ScimResourceExtra.objects.filter(endpoint_secret_id=endpoint_id, resource_type=resource_type,
                                     ss_id=ss_id).delete()


def ids_by_external_id(endpoint_id: int, resource_type: str, external_id: str) -> list[int]:
    """externalId is case-exact (RFC 7643 §3.1)."""
    return list(ScimResourceExtra.objects.filter(endpoint_secret_id=endpoint_id, resource_type=resource_type,
                                                 external_id=external_id).values_list("ss_id", flat=True))


def extras_sync(client, bootstrap, progress) -> dict[str, int]:
    """``sync_connector`` step: drop extras whose Secret Server object or endpoint is gone."""
    user_ids = {u.id for u in client.search_users(include_inactive=True)}
    group_ids = {g.id for g in client.search_groups(include_inactive=True)}
    endpoints = set(EndpointMirror.objects.filter(active=True).values_list("ss_secret_id", flat=True))
    progress.total = 1
    with transaction.atomic():
        gone_endpoints = ScimResourceExtra.objects.exclude(endpoint_secret_id__in=endpoints).delete()[0]
        gone_users = ScimResourceExtra.objects.filter(resource_type="User").exclude(ss_id__in=user_ids).delete()[0]
        gone_groups = ScimResourceExtra.objects.filter(resource_type="Group").exclude(
            ss_id__in=group_ids).delete()[0]
    progress.update(1)
    return {"scim_extras_dropped": gone_endpoints + gone_users + gone_groups}
