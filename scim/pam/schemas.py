"""The PAM schemas and resource types the service publishes (``/Schemas``, ``/ResourceTypes``).

URNs and core attributes follow draft-grizzle-scim-pam-ext-01 as the vendor serves it
(``urn:ietf:params:scim:schemas:pam:1.0:Container`` / ``PrivilegedData`` / ``ContainerPermission``;
references are complex ``{value, $ref, display}``, a container reference also carries ``name``, and a
permission's ``rights`` are strings, as SailPoint's PAM collector reads them). What only Secret Server has
(folder inheritance, a secret's template and fields) travels in one extension schema per resource type.
"""
from __future__ import annotations

from scim2_models import Attribute, Mutability, ResourceType, Returned, Schema, SchemaExtension, Uniqueness

A = Attribute
CONTAINER_SCHEMA = "urn:ietf:params:scim:schemas:pam:1.0:Container"
PRIVILEGED_DATA_SCHEMA = "urn:ietf:params:scim:schemas:pam:1.0:PrivilegedData"
CONTAINER_PERMISSION_SCHEMA = "urn:ietf:params:scim:schemas:pam:1.0:ContainerPermission"
SS_CONTAINER_SCHEMA = "urn:delinea:scim:schemas:extension:secretserver:1.0:Container"
SS_PRIVILEGED_DATA_SCHEMA = "urn:delinea:scim:schemas:extension:secretserver:1.0:PrivilegedData"

RW, RO, IMM = Mutability.read_write, Mutability.read_only, Mutability.immutable


def _string(name: str, description: str, *, required: bool = False, mutability=RW, case_exact=False) -> Attribute:
    return A(name=name, type=A.Type.string, multi_valued=False, description=description, required=required,
             case_exact=case_exact, mutability=mutability, returned=Returned.default,
             uniqueness=Uniqueness.none)


def _boolean(name: str, description: str, *, mutability=RW) -> Attribute:
    return A(name=name, type=A.Type.boolean, multi_valued=False, description=description, required=False,
             mutability=mutability, returned=Returned.default)


def _reference(name: str, description: str, types: list[str], *, mutability=RW, with_name: bool = False,
               required: bool = False) -> Attribute:
    subs = [_string("value", f"The id of the {types[0]}.", mutability=mutability, case_exact=True),
            A(name="$ref", type=A.Type.reference, reference_types=types, multi_valued=False,
              description=f"The URI of the {types[0]}.", mutability=mutability, returned=Returned.default),
            _string("display", "A human-readable name.", mutability=RO)]
    if with_name:
        subs.append(_string("name", "The name of the container.", mutability=RO))
    return A(name=name, type=A.Type.complex, multi_valued=False, description=description, required=required,
             mutability=mutability, returned=Returned.default, sub_attributes=subs)


CONTAINER = Schema(id=CONTAINER_SCHEMA, name="Container", description="A PAM container: a Secret Server folder.",
                   attributes=[
                       _string("name", "The folder's name (the same as displayName in Secret Server)."),
                       _string("displayName", "The folder's name."),
                       _string("description", "Not kept by Secret Server folders; always empty.", mutability=RO),
                       _reference("parent", "The parent container; empty or missing means the root.",
                                  ["Container"]),
                   ])
SS_CONTAINER = Schema(id=SS_CONTAINER_SCHEMA, name="SecretServerContainer",
                      description="Secret Server folder settings.", attributes=[
                          _boolean("inheritPermissions", "The folder has its parent's permissions."),
                          _boolean("inheritSecretPolicy", "The folder has its parent's secret policy."),
                          _string("path", "The folder's path in Secret Server.", mutability=RO),
                      ])
PRIVILEGED_DATA = Schema(id=PRIVILEGED_DATA_SCHEMA, name="PrivilegedData",
                         description="PAM privileged data: a Secret Server secret (sensitive values never shown).",
                         attributes=[
                             _string("name", "The secret's name.", mutability=RO),
                             _string("displayName", "The secret's name.", mutability=RO),
                             _string("type", "The secret's template name.", mutability=RO),
                             _reference("container", "The folder holding the secret.", ["Container"], mutability=RO,
                                        with_name=True),
                         ])
SS_PRIVILEGED_DATA = Schema(
    id=SS_PRIVILEGED_DATA_SCHEMA, name="SecretServerPrivilegedData", description="Secret Server secret details.",
    attributes=[
        A(name="secretTemplateId", type=A.Type.integer, multi_valued=False, mutability=RO,
          description="The secret template's id.", returned=Returned.default),
        _string("secretTemplateName", "The secret template's name.", mutability=RO),
        _boolean("active", "False for a deleted (deactivated) secret.", mutability=RO),
        _boolean("requiresComment", "Reading values needs a comment.", mutability=RO),
        _boolean("requiresApproval", "Reading values needs an approved access request.", mutability=RO),
        _boolean("checkOutEnabled", "Reading values checks the secret out.", mutability=RO),
        A(name="fields", type=A.Type.complex, multi_valued=True, mutability=RO, returned=Returned.default,
          description="Non-sensitive field values (sensitive fields are never listed here).", sub_attributes=[
              _string("slug", "The field's slug.", mutability=RO, case_exact=True),
              _string("name", "The field's name.", mutability=RO),
              _string("value", "The field's value.", mutability=RO, case_exact=True),
          ]),
    ])
CONTAINER_PERMISSION = Schema(
    id=CONTAINER_PERMISSION_SCHEMA, name="ContainerPermission",
    description="A user's or group's rights on a container: a Secret Server folder permission.", attributes=[
        _reference("container", "The container (folder).", ["Container"], mutability=IMM, with_name=True,
                   required=True),
        _reference("user", "The user given the rights (or group).", ["User"], mutability=IMM),
        _reference("group", "The group given the rights (or user).", ["Group"], mutability=IMM),
        A(name="rights", type=A.Type.string, multi_valued=True, mutability=RW, returned=Returned.default,
          required=True, case_exact=False,
          description="The endpoint's right values; each maps to a Secret Server role through the endpoint's "
                      "permission mappings (type Container). Unmapped values give View."),
    ])

SCHEMAS = (CONTAINER, SS_CONTAINER, PRIVILEGED_DATA, SS_PRIVILEGED_DATA, CONTAINER_PERMISSION)
RESOURCE_TYPES = (
    ResourceType(id="Container", name="Container", endpoint="/Containers", schema_=CONTAINER_SCHEMA,
                 description="Secret Server folders",
                 schema_extensions=[SchemaExtension(schema_=SS_CONTAINER_SCHEMA, required=False)]),
    ResourceType(id="PrivilegedData", name="PrivilegedData", endpoint="/PrivilegedData",
                 schema_=PRIVILEGED_DATA_SCHEMA, description="Secret Server secrets (no sensitive values)",
                 schema_extensions=[SchemaExtension(schema_=SS_PRIVILEGED_DATA_SCHEMA, required=False)]),
    ResourceType(id="ContainerPermission", name="ContainerPermission", endpoint="/ContainerPermissions",
                 schema_=CONTAINER_PERMISSION_SCHEMA, description="Secret Server folder permissions"),
)
