"""API permissions, one way for every app: model permissions for CRUD viewsets, :func:`needs` for the rest.

Views check permissions, never role names (see portal/accounts/roles.py), so an administrator can grant one
permission to one user without inventing a role.
"""

from __future__ import annotations

from collections.abc import Sequence

from rest_framework.permissions import SAFE_METHODS, BasePermission, DjangoModelPermissions
from rest_framework.request import Request
from rest_framework.views import APIView


class ModelPermissionsWithView(DjangoModelPermissions):
    """Like DRF's DjangoModelPermissions, but reading needs the model's view permission too."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


def needs(*permissions: str, write: Sequence[str] | None = None) -> type[BasePermission]:
    """A permission class: an authenticated user holding every one of ``permissions``; for methods that change
    something (not GET/HEAD/OPTIONS) every one of ``write`` instead, when given. A viewset action with other
    needs says so itself: ``@action(..., permission_classes=[needs("app.change_model")])``."""
    read = tuple(permissions)
    change = tuple(write) if write is not None else read

    class Needs(BasePermission):
        def has_permission(self, request: Request, view: APIView) -> bool:
            wanted = read if request.method in SAFE_METHODS else change
            self.message = "You do not have permission: " + ", ".join(wanted)
            return bool(request.user and request.user.is_authenticated and request.user.has_perms(wanted))

    Needs.__name__ = "Needs_" + "_".join(p.replace(".", "_") for p in (*read, "w", *change))
    Needs.__qualname__ = Needs.__name__
    return Needs
