"""What the service announces (discovery) and how tolerant it reads: models, resource types, config, policy.

The models are built from the RFC schemas (``Resource.from_schema``) rather than the static classes: the
static User validates emails strictly and refuses directory addresses such as ``x@corp.local`` that
Secret Server and identity providers use every day.

The policy accepts the dialects Okta and Microsoft Entra send (shared/docs/scim.md): attributes no
schema declares are dropped instead of refused (stray ``id``/``name`` members in PATCH bodies), a
``remove`` carrying a ``value`` removes those values (Entra's remove-with-value), and a PATCH path filter
that matches no entry creates it (Entra's ``emails[type eq "work"].value``). Capitalised ops and
``"True"``/``"False"`` strings are accepted by the models already.
"""
from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    EnterpriseUser,
    ETag,
    Filter,
    Group,
    Mutability,
    Pagination,
    Patch,
    ResourceType,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    User,
)

from scim.pam.schemas import RESOURCE_TYPES as PAM_RESOURCE_TYPES, SCHEMAS as PAM_SCHEMAS  # noqa: E402

POLICY = ScimPolicy(unknown=ScimPolicy.Unknown.ignore,
                    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
                    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create)

RESOURCE_TYPES = (ResourceType.from_resource(User[EnterpriseUser]), ResourceType.from_resource(Group))


def _truthful(schema, changes: dict):
    """The RFC schema with the mutability Secret Server really offers (``{"attr" or "attr.sub": mutability}``)."""
    def patch(attributes, prefix=""):
        out = []
        for attribute in attributes or []:
            name = prefix + attribute.name
            update = {}
            if name in changes:
                update["mutability"] = changes[name]
            if attribute.sub_attributes:
                update["sub_attributes"] = patch(attribute.sub_attributes, name + ".")
            out.append(attribute.model_copy(update=update) if update else attribute)
        return out
    return schema.model_copy(update={"attributes": patch(schema.attributes)})


# Secret Server cannot rename a user (UserUpdateArgs has no userName): userName is set once, at creation.
SCHEMAS = (_truthful(User.to_schema(), {"userName": Mutability.immutable}), EnterpriseUser.to_schema(),
           Group.to_schema())
# Issue 12 (PAM, scim/pam/): Containers, PrivilegedData, ContainerPermissions and their Secret Server extensions.
RESOURCE_TYPES = RESOURCE_TYPES + PAM_RESOURCE_TYPES
SCHEMAS = SCHEMAS + PAM_SCHEMAS


@lru_cache(maxsize=1)
def _discovered() -> ScimProvider:
    return ScimProvider.from_discovery(SCHEMAS, RESOURCE_TYPES, policy=POLICY)


def service_config(*, bulk_max_operations: int, bulk_max_payload: int, max_results: int) -> ServiceProviderConfig:
    """The ServiceProviderConfig, truthful: only what the service does, with the configured limits."""
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=True, max_operations=bulk_max_operations, max_payload_size=bulk_max_payload),
        filter=Filter(supported=True, max_results=max_results),
        change_password=ChangePassword(supported=True),  # PUT/PATCH "password" sets the Secret Server password
        sort=Sort(supported=True),
        etag=ETag(supported=True),
        pagination=Pagination(index=True, cursor=False,
                              default_pagination_method=Pagination.DefaultPaginationMethod.index,
                              default_page_size=min(100, max_results), max_page_size=max_results),
        authentication_schemes=[AuthenticationScheme(
            type=AuthenticationScheme.Type.oauthbearertoken, name="OAuth Bearer Token",
            description="The endpoint's token from the connector, sent as 'Authorization: Bearer <token>'.",
            primary=True)],
    )


@lru_cache(maxsize=16)
def scim_provider(bulk_max_operations: int, bulk_max_payload: int, max_results: int) -> ScimProvider:
    """The provider for one set of limits (the settings can change at run time; a few variants are cached)."""
    base = _discovered()
    return ScimProvider(models=base.models, resource_types=base.resource_types, policy=POLICY,
                        config=service_config(bulk_max_operations=bulk_max_operations,
                                              bulk_max_payload=bulk_max_payload, max_results=max_results))


def max_results() -> int:
    return int(settings.SCIM_MAX_RESULTS)
