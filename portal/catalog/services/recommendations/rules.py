"""The rules: a device's target release (its standard, else the newest suggested release above the current one,
else the latest), the reason in words, and the flags the dashboard counts. Pure functions of loaded values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from portal.catalog.choices import Reason
from portal.catalog.services.recommendations.loading import ImageInfo, ProductCatalog, ReleaseInfo, StandardInfo
from portal.inventory.choices import OsFamily

# Words that name an OS family inside upstream software type names ("IOS XE Software", "NX-OS System Software").
_TYPE_WORDS = {
    OsFamily.IOS: "IOS SOFTWARE",
    OsFamily.IOS_XE: "IOS XE",
    OsFamily.NX_OS: "NX-OS",
    OsFamily.ASA: "ADAPTIVE SECURITY APPLIANCE",
    OsFamily.AIREOS: "WIRELESS LAN CONTROLLER",
    OsFamily.IOS_XR: "IOS XR",
}


@dataclass(frozen=True)
class Profile:
    """What decides a device's recommendation."""

    pid: str
    current_release: str
    release_key: str
    running_image: str
    site: str
    role: str
    os_family: str


@dataclass(frozen=True)
class Outcome:
    """A computed recommendation (ids of rows, the reason, the dashboard flags)."""

    reason: str
    reason_text: str
    current_id: int | None = None
    target_release_id: int | None = None
    target_image_id: int | None = None
    standard_id: int | None = None
    on_standard: bool = False
    upgrade_available: bool = False
    running_deleted: bool = False
    running_deferred: bool = False
    psirt: bool = False


def _standard_for(catalog: ProductCatalog, site: str, role: str) -> StandardInfo | None:
    fitting = [s for s in catalog.standards if s.site in ("", site) and s.role in ("", role)]
    return max(fitting, key=lambda s: s.specificity, default=None)


_AUXILIARY = ("EPLD", "ROMMON", "DEVICE MANAGER", "FIRMWARE", "SMU", "BOOT")
MIN_PREFIX = 5  # shorter shared prefixes ("c93", "asa") say nothing about the packaging


def _software_type(catalog: ProductCatalog, profile: Profile, current: ReleaseInfo | None) -> int | None:
    """The software type a device's upgrades come from: the one of its release, else of the image whose name is
    closest to what it runs (NX-OS system vs EPLD, ASA vs ASDM), else a main type named for its OS family."""
    if current is not None:
        return current.software_type_id
    if profile.running_image:
        best = max(
            (img for imgs in catalog.images.values() for img in imgs),
            key=lambda img: (_common_prefix(img.name, profile.running_image), -img.id),
            default=None,
        )
        if best is not None and _common_prefix(best.name, profile.running_image) >= MIN_PREFIX:
            release = catalog.release(best.release_id)
            return release.software_type_id if release else None
    word = _TYPE_WORDS.get(profile.os_family)
    if word:
        named = [r for r in catalog.releases if word in r.software_type_name.upper()]
        main = [r for r in named if not any(aux in r.software_type_name.upper() for aux in _AUXILIARY)]
        if main or named:
            return (main or named)[0].software_type_id
    return None


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def target_image_for(images: Iterable[ImageInfo], running_image: str) -> ImageInfo | None:
    """The image of a release a device would load: the one whose name is closest to what it runs now
    (same platform and packaging), then a main image rather than a related one, then by name."""
    return min(
        images,
        key=lambda i: (-_common_prefix(i.name, running_image), i.is_deleted, i.is_related, i.name),
        default=None,
    )


def _running_flags(catalog: ProductCatalog, profile: Profile, current: ReleaseInfo | None, statuses) -> tuple:
    image = catalog.images_by_name.get(profile.running_image) if profile.running_image else None
    deleted = deferred = psirt = False
    if image is not None:
        release = catalog.release(image.release_id)
        deleted, deferred = image.is_deleted, image.deferred or bool(release and release.is_deferred)
        psirt = image.psirt or bool(release and release.psirt)
    elif profile.running_image in statuses:
        deleted, deferred = statuses[profile.running_image]
    elif current is not None:
        deleted, deferred = current.is_deleted, current.is_deferred
    if current is not None:
        psirt = psirt or current.psirt
    return deleted, deferred, psirt


def _pick_target(candidates: list[ReleaseInfo], profile: Profile) -> tuple[ReleaseInfo | None, str, str]:
    usable = [r for r in candidates if not r.is_deleted and not r.is_deferred]
    cur = profile.current_release or "an unknown release"
    above = [r for r in usable if r.sort_key > profile.release_key]
    suggested = [r for r in above if r.is_suggested]
    if suggested:
        target = suggested[-1]
        return target, Reason.SUGGESTED, f"{target.version} is the newest suggested release above {cur}."
    if not usable:
        text = f"The catalog holds no release of {profile.pid} that is not deleted or deferred."
        return None, Reason.NO_RELEASES, text
    latest = usable[-1]
    if latest.sort_key > profile.release_key:
        return latest, Reason.LATEST, f"No suggested release above {cur}; {latest.version} is the latest."
    current = next((r for r in usable if r.sort_key == profile.release_key), None)
    return current, Reason.UP_TO_DATE, f"Already on the latest release ({cur})."


def recommend(catalog: ProductCatalog | None, profile: Profile, statuses: dict[str, tuple[bool, bool]]) -> Outcome:
    """The recommendation for one device profile (pure: the catalog is already loaded)."""
    if catalog is None or not catalog.releases:
        # A status check (metadata/images) may still know what the running image is.
        deleted, deferred = statuses.get(profile.running_image, (False, False))
        text = f"No catalog data for {profile.pid} yet: run a catalog refresh."
        return Outcome(Reason.NO_CATALOG, text, running_deleted=deleted, running_deferred=deferred)
    current = next((r for r in catalog.releases if profile.release_key and r.sort_key == profile.release_key), None)
    type_id = _software_type(catalog, profile, current)
    candidates = [r for r in catalog.releases if type_id is None or r.software_type_id == type_id]
    deleted, deferred, psirt = _running_flags(catalog, profile, current, statuses)
    flags = {"running_deleted": deleted, "running_deferred": deferred, "psirt": psirt}
    standard = _standard_for(catalog, profile.site, profile.role)
    standard_release = catalog.release(standard.release_id) if standard else None
    if standard and standard_release:
        target, standard_id = standard_release, standard.id
        on_standard = target.sort_key == profile.release_key
        if on_standard:
            reason, text = Reason.ON_STANDARD, f"Already on its standard release {target.version} ({standard.scope})."
        else:
            direction = "an upgrade" if target.sort_key > profile.release_key else "a downgrade"
            reason = Reason.STANDARD
            text = (
                f"The standard release for {profile.pid} ({standard.scope}) is {target.version}; "
                f"running {profile.current_release or 'an unknown release'}: {direction}."
            )
    else:
        target, reason, text = _pick_target(candidates, profile)
        standard_id, on_standard = None, False
    image = target_image_for(catalog.images.get(target.id, ()), profile.running_image) if target else None
    return Outcome(
        reason=reason,
        reason_text=text[:300],
        current_id=current.id if current else None,
        target_release_id=target.id if target else None,
        target_image_id=image.id if image else None,
        standard_id=standard_id,
        on_standard=on_standard,
        upgrade_available=bool(target and target.sort_key > profile.release_key),
        **flags,
    )
