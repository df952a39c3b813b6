"""Standard (golden) releases: set, change and remove, then recompute the recommendations of the PIDs covered.

A standard's scope is a PID or an image family, optionally narrowed to a site and/or a role; one standard per
scope. Setting one for a scope that has one is refused with :class:`StandardExists` (naming it) unless the caller
explicitly asks to replace it, so nothing is overwritten silently, and the first one's note survives.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal.catalog.models import ImageFamily, Release, StandardRelease
from portal.catalog.services.families import family_key, release_families
from portal.catalog.services.recommendations import recommendations_recompute
from portal.cisco.versionkey import release_sort_key
from portal.inventory.services.fields import device_values


class StandardExists(Exception):
    """A standard already covers exactly that scope (``existing``); change that one instead."""

    def __init__(self, existing: StandardRelease) -> None:
        self.existing = existing
        super().__init__(
            f"A standard already covers {existing.scope_text}: {existing.release.version} (standard {existing.pk})."
        )


def _scope_values(site: str, role: str) -> tuple[str, str]:
    """Site and role read by the rules of a device's site and role (they are matched against them)."""
    values, problems = device_values({"site": site or "", "role": role or ""})
    if problems:
        raise ValidationError({name: [f"{name.capitalize()}: {message}."] for name, message in problems})
    return values["site"], values["role"]


def _usable(release: Release, family: ImageFamily | None) -> None:
    if release.is_deleted or release.is_deferred:
        raise ValidationError(f"{release.version} is deleted or deferred upstream; it cannot be a standard.")
    if family is not None and family.key not in {f.key for f in release_families(release)}:
        raise ValidationError(
            f"{release.product.pid} {release.version} ships no image of the {family.display} ({family.key})."
        )


def _scope(*, release: Release, family: ImageFamily | None, site: str, role: str):
    scope = {"family": family} if family is not None else {"product_id": release.product_id, "family": None}
    return StandardRelease.objects.select_related("product", "family", "release").filter(**scope, site=site, role=role)


def standard_pids(standard: StandardRelease) -> list[str]:
    """The PIDs whose devices a standard can cover: its PID, or its family's members."""
    if standard.family is not None:
        return list(standard.family.products.values_list("pid", flat=True))
    return [standard.product.pid] if standard.product is not None else []


@transaction.atomic
def standard_release_set(
    *,
    release: Release,
    family: ImageFamily | None = None,
    site: str = "",
    role: str = "",
    note: str = "",
    user: AbstractBaseUser | None = None,
    replace: bool = False,
) -> StandardRelease:
    """Make ``release`` the standard of its PID, or with ``family`` of that image family (every PID shipping the
    same image files get their release of that version), for the scope (site and/or role; both empty: every
    device). A standard of exactly that scope raises :class:`StandardExists`, unless ``replace``: then its release
    changes (and its note, when one is given)."""
    _usable(release, family)
    site, role = _scope_values(site, role)
    existing = _scope(release=release, family=family, site=site, role=role).select_for_update(of=("self",)).first()
    if existing is not None:
        if not replace:
            raise StandardExists(existing)
        existing.release, existing.note = release, _clean_note(note) or existing.note
        existing.save()
        standard = existing
    else:
        standard = _create(release=release, family=family, site=site, role=role, note=note, user=user)
    recommendations_recompute(pids=standard_pids(standard))
    return standard


def _create(
    *, release: Release, family: ImageFamily | None, site: str, role: str, note: str, user: AbstractBaseUser | None
) -> StandardRelease:
    try:
        with transaction.atomic():
            return StandardRelease.objects.create(
                product=None if family is not None else release.product,
                family=family,
                release=release,
                site=site,
                role=role,
                note=_clean_note(note),
                created_by_id=user.pk if user is not None and user.is_authenticated else None,
            )
    except IntegrityError:
        # Another request created the same scope between our read and our write: it was first.
        raise StandardExists(_scope(release=release, family=family, site=site, role=role).get()) from None


def _clean_note(note: str) -> str:
    return " ".join((note or "").split())[:255]


@transaction.atomic
def standard_release_update(
    *,
    standard: StandardRelease,
    release: Release,
    family: ImageFamily | None,
    site: str,
    role: str,
    note: str = "",
) -> StandardRelease:
    """Change a standard's release, scope or note; a scope another standard has raises :class:`StandardExists`.
    A PID standard's release must stay of its PID."""
    if family is None and standard.family_id is None and release.product_id != standard.product_id:
        raise ValidationError("The release belongs to another product.")
    _usable(release, family)
    site, role = _scope_values(site, role)
    clash = _scope(release=release, family=family, site=site, role=role).exclude(pk=standard.pk).first()
    if clash is not None:
        raise StandardExists(clash)
    before = standard_pids(standard)
    standard.product = None if family is not None else release.product
    standard.family, standard.release, standard.site, standard.role = family, release, site, role
    standard.note = _clean_note(note)
    standard.save()
    recommendations_recompute(pids=sorted({*before, *standard_pids(standard)}))
    return standard


@transaction.atomic
def standard_release_delete(*, standard: StandardRelease) -> None:
    """Remove a standard; the devices it covered fall back to a wider standard or to the suggested release."""
    pids = standard_pids(standard)
    standard.delete()
    recommendations_recompute(pids=pids)


def standard_release_find(*, version: str, pid: str = "", family: ImageFamily | None = None) -> Release:
    """The release a standard for ``pid`` (or ``family``) at ``version`` names, in any equivalent spelling
    (17.09.04a finds 17.9.4a); for a family, a member's release that ships an image of the family."""
    key = release_sort_key(version.strip())
    if family is not None:
        releases = Release.objects.filter(product__image_families=family, sort_key=key)
        where = family.display
    else:
        pid = pid.strip()
        releases = Release.objects.filter(product__pid__in={pid, pid.upper()}, sort_key=key)
        where = pid
    found = list(
        releases.select_related("product", "software_type").prefetch_related("images").order_by("product__pid")
    )
    if family is not None:
        found = [r for r in found if any(family_key(i.name) == family.key for i in r.images.all() if not i.is_related)]
    if not found:
        raise ValidationError(
            f"The catalog holds no release {version.strip()} of {where}: refresh it, or check the spelling."
        )
    types = sorted({r.software_type.name for r in found})
    if family is None and len(types) > 1:
        raise ValidationError(
            f"{pid} publishes {version.strip()} as {' and as '.join(types)}: mark it from the PID's release list."
        )
    return found[0]
