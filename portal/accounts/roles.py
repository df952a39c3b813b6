"""The three roles of Depot as data: each is a group with a fixed set of permissions.

Views and API endpoints check permissions, never group names, so an administrator can grant a single
permission to one user without inventing a role.
"""

from __future__ import annotations

from typing import Any

ENGINEERS = "Network engineers"
OFFICERS = "Compliance officers"
ADMINISTRATORS = "Administrators"

_ENGINEER_PERMISSIONS = [
    "inventory.view_device",
    "inventory.add_device",
    "inventory.change_device",
    "inventory.delete_device",
    "catalog.view_product",
    "catalog.view_release",
    "catalog.view_image",
    "catalog.refresh_catalog",
    "catalog.view_standardrelease",
    "catalog.add_standardrelease",
    "catalog.change_standardrelease",
    "catalog.delete_standardrelease",
    "downloads.view_downloadjob",
    "downloads.add_downloadjob",
    "downloads.change_downloadjob",
    "downloads.view_storedimage",
    "compliance.view_formsnapshot",
    "compliance.view_decision",
]
_OFFICER_PERMISSIONS = [
    "compliance.view_formsnapshot",
    "compliance.view_decision",
    "compliance.decide_form",
    "compliance.view_audit",
    "downloads.view_downloadjob",
    "downloads.view_storedimage",
    "inventory.view_device",
    "catalog.view_product",
    "catalog.view_release",
    "catalog.view_image",
]

# Administrators get every permission of Depot's own apps (and Django's user admin), see role_permissions().
DEPOT_APPS = ("inventory", "catalog", "downloads", "compliance", "webhooks", "accounts", "auth", "authtoken", "axes")

ROLE_PERMISSIONS: dict[str, list[str] | None] = {
    ENGINEERS: _ENGINEER_PERMISSIONS,
    OFFICERS: _OFFICER_PERMISSIONS,
    ADMINISTRATORS: None,  # None: all permissions of DEPOT_APPS
}
ROLES = tuple(ROLE_PERMISSIONS)


def sync_roles(apps: Any) -> None:
    """Create the role groups and give each the permissions that exist now (idempotent; used by migrations)."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, wanted in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        if wanted is None:
            permissions = permission_model.objects.filter(content_type__app_label__in=DEPOT_APPS)
        else:
            pairs = [name.split(".", 1) for name in wanted]
            permissions = [
                perm
                for perm in permission_model.objects.filter(
                    codename__in=[codename for _, codename in pairs]
                ).select_related("content_type")
                if [perm.content_type.app_label, perm.codename] in pairs
            ]
        group.permissions.add(*permissions)


def sync_role_permissions(sender: Any = None, apps: Any = None, **kwargs: Any) -> None:
    """post_migrate handler: grant permissions created by migrations that ran after the roles' own."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    try:
        apps.get_model("auth", "Group")
    except LookupError:
        return
    sync_roles(apps)
