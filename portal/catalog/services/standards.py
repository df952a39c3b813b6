"""Standard (golden) releases: set, change and remove, then recompute the PID's recommendations."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from portal.catalog.models import Release, StandardRelease
from portal.catalog.services.recommendations import recommendations_recompute


def _clean(text: str, limit: int = 100) -> str:
    return " ".join((text or "").split())[:limit]


@transaction.atomic
def standard_release_set(
    *,
    release: Release,
    site: str = "",
    role: str = "",
    note: str = "",
    user: AbstractBaseUser | None = None,
) -> StandardRelease:
    """Make ``release`` the standard of its product for the scope (site and/or role, both empty = every device).

    A standard already set for exactly that scope is replaced; narrower or wider scopes are left alone.
    """
    if release.is_deleted or release.is_deferred:
        raise ValidationError(f"{release.version} is deleted or deferred upstream; it cannot be a standard.")
    site, role = _clean(site), _clean(role)
    standard, _ = StandardRelease.objects.update_or_create(
        product_id=release.product_id,
        site=site,
        role=role,
        defaults={
            "release": release,
            "note": _clean(note, 255),
            "created_by": user if user is not None and user.is_authenticated else None,
        },
    )
    recommendations_recompute(pids=[release.product.pid])
    return standard


@transaction.atomic
def standard_release_update(
    *, standard: StandardRelease, release: Release, site: str, role: str, note: str = ""
) -> StandardRelease:
    """Change a standard's release or scope (the scope must stay unique for the product)."""
    if release.product_id != standard.product_id:
        raise ValidationError("The release belongs to another product.")
    if release.is_deleted or release.is_deferred:
        raise ValidationError(f"{release.version} is deleted or deferred upstream; it cannot be a standard.")
    site, role = _clean(site), _clean(role)
    clash = StandardRelease.objects.filter(product_id=standard.product_id, site=site, role=role)
    if clash.exclude(pk=standard.pk).exists():
        raise ValidationError("Another standard already covers exactly this site and role.")
    standard.release, standard.site, standard.role, standard.note = release, site, role, _clean(note, 255)
    standard.save()
    recommendations_recompute(pids=[standard.product.pid])
    return standard


@transaction.atomic
def standard_release_delete(*, standard: StandardRelease) -> None:
    """Remove a standard; the devices it covered fall back to a wider standard or to the suggested release."""
    pid = standard.product.pid
    standard.delete()
    recommendations_recompute(pids=[pid])
