"""The PAM resource stores, by resource type name (joined to ``scim.storage.RESOURCE_STORES``)."""
from scim.pam.containers import ContainerStore
from scim.pam.permissions import ContainerPermissionStore
from scim.pam.privileged_data import PrivilegedDataStore

PAM_STORES = {"Container": ContainerStore, "ContainerPermission": ContainerPermissionStore,
              "PrivilegedData": PrivilegedDataStore}
