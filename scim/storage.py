"""The scim2-server storage over Secret Server: one instance per SCIM request (it knows the endpoint).

Each resource type has a store (``RESOURCE_STORES``: name -> class with get/search/create/update/delete);
issue 12 adds Containers, PrivilegedData and ContainerPermissions the same way.
"""
from __future__ import annotations

from typing import Any

from scim2_models import NotImplementedException, Resource, ResourceType, ResponseParameters, SearchRequest
from scim2_server.storage import ScimStorage, SearchPage

from scim.services.context import ScimContext
from scim.services.groups import GroupStore
from scim.services.users import UserStore

from scim.pam.stores import PAM_STORES  # noqa: E402  (issue 12)

RESOURCE_STORES = {"User": UserStore, "Group": GroupStore, **PAM_STORES}


class SecretServerStorage(ScimStorage):
    def __init__(self, ctx: ScimContext, provider):
        self.ctx = ctx
        self.provider = provider
        self._stores = {}

    def _store(self, resource_type: ResourceType):
        name = resource_type.name
        if name not in RESOURCE_STORES:  # announced but not stored yet: a SCIM 501, never a 500
            raise NotImplementedException(detail=f"{name} resources are not served by this version")
        if name not in self._stores:
            self._stores[name] = RESOURCE_STORES[name](self.provider.model_for(resource_type))
        return self._stores[name]

    def get(self, resource_type: ResourceType, resource_id: str, *,
            response_parameters: ResponseParameters[Any] | None = None) -> Resource[Any]:
        return self._store(resource_type).get(self.ctx, resource_id, response_parameters)

    def search(self, resource_types: list[ResourceType], search_request: SearchRequest[Any], *,
               position: Any = None) -> SearchPage:
        if len(resource_types) == 1:
            return self._store(resource_types[0]).search(self.ctx, search_request)
        # At the root (RFC 7644 §3.4.2.1): every type's matches, then one sort and one page over them all.
        # Every announced type has a store (tests/scim_pam/test_root_search.py), so every served type is
        # searched: Users, Groups, Containers, ContainerPermissions, PrivilegedData (never sensitive values)
        # and PrivilegedDataPermissions. None is skipped silently: a type announced without a store would
        # make root search answer 501, never leave that type out of the results unnoticed.
        everything = search_request.model_copy(update={"start_index": 1, "count": None})
        found = [r for rt in resource_types for r in self._store(rt).search(self.ctx, everything).resources]
        found = search_request.sort(found)
        start = search_request.start_index_0 or 0
        count = search_request.count
        return SearchPage(len(found), found[start:None if count is None else start + count])

    def create(self, resource_type: ResourceType, resource: Resource[Any]) -> Resource[Any]:
        return self._store(resource_type).create(self.ctx, resource)

    def update(self, resource_type: ResourceType, resource: Resource[Any], *,
               expected_version: str | None = None) -> Resource[Any]:
        return self._store(resource_type).update(self.ctx, resource, expected_version)

    def delete(self, resource_type: ResourceType, resource_id: str, *, expected_version: str | None = None) -> None:
        self._store(resource_type).delete(self.ctx, resource_id, expected_version)
