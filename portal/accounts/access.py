"""What a user may do, read from the database once per change instead of on every request.

Django's ModelBackend reads a user's permissions with two queries at the first permission check of each request,
and the page chrome reads the user's groups (roles) with a third. They change only when users, groups or
permissions do, so :func:`user_access` keeps both in the shared cache under a generation (portal.core.counts):
every change of them through the ORM (the receivers connected in AccountsConfig.ready) starts a new generation,
and the entries of the old one are read no more. An entry also expires after ``ACCESS_TTL`` seconds: the bound on
a change made behind the ORM's back (raw SQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache

from portal.accounts.roles import ROLES
from portal.core.counts import generation, generation_next

ACCESS = "access"
ACCESS_TTL = 300


@dataclass(frozen=True)
class Access:
    """A user's permissions (``app_label.codename``) and roles (in the order of ROLES)."""

    permissions: set[str]
    roles: tuple[str, ...]


def user_access(user: AbstractBaseUser) -> Access:
    """The user's permissions and roles: from the request's user object, else the shared cache, else the database."""
    access = getattr(user, "_depot_access", None)
    if access is None:
        key = f"access:{generation(ACCESS)}:{user.pk}"
        access = cache.get(key)
        if access is None:
            names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
            access = Access(
                permissions=ModelBackend().get_all_permissions(user),
                roles=tuple(role for role in ROLES if role in names),
            )
            cache.set(key, access, ACCESS_TTL)
        user._depot_access = access  # type: ignore[attr-defined]
    return access


def user_roles(user: AbstractBaseUser) -> list[str]:
    """The role names a user holds, in the order of ROLES."""
    return list(user_access(user).roles)


def access_changed(sender: Any = None, update_fields: Any = None, action: str = "", **kwargs: Any) -> None:
    """Receiver: users, groups or permissions changed, so every cached access is stale (a login only writes
    last_login, which changes nothing here; a many-to-many change counts once, after it is made)."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    if action.startswith("pre_"):
        return
    generation_next(ACCESS)


class CachedModelBackend(ModelBackend):
    """Django's ModelBackend reading permissions through :func:`user_access`."""

    def get_all_permissions(self, user_obj: AbstractBaseUser | AnonymousUser, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return user_access(user_obj).permissions  # type: ignore[arg-type]
