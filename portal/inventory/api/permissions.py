"""API permissions: model permissions that also guard reads, and fixed permission sets for action endpoints."""

from __future__ import annotations

from rest_framework.permissions import BasePermission, DjangoModelPermissions
from rest_framework.request import Request
from rest_framework.views import APIView


class ModelPermissionsWithView(DjangoModelPermissions):
    """Like DRF's DjangoModelPermissions, but reading needs the model's view permission too."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


def has_perms(*permissions: str) -> type[BasePermission]:
    """A permission class requiring every one of ``permissions`` (for endpoints that are not model CRUD)."""

    class HasPerms(BasePermission):
        message = "You do not have permission: " + ", ".join(permissions)

        def has_permission(self, request: Request, view: APIView) -> bool:
            return bool(request.user and request.user.is_authenticated and request.user.has_perms(permissions))

    HasPerms.__name__ = "HasPerms_" + "_".join(p.replace(".", "_") for p in permissions)
    return HasPerms
