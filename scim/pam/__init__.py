"""The PAM extension over SCIM (issue 12; draft-grizzle-scim-pam-ext-01): Containers ↔ Secret Server folders,
ContainerPermissions ↔ folder permissions, PrivilegedData ↔ secrets, plus the vendor's PrivilegedData routes.

Registered with the SCIM service through ``scim/provider.py`` (schemas, resource types) and
``scim/storage.py`` (stores); everything else lives here.
"""
