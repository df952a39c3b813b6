"""The rules: a device's target release (its standard, else the newest suggested release above the current one,
else the latest), the reason in words, whether the target image fits, and the flags the dashboard counts. Pure
functions of loaded values.

Standards: of those whose scope matches the device (its PID, or an image family its PID belongs to; the site and
role when they name one) and whose software type is the one the device's upgrades come from, the one of highest
precedence applies (portal.catalog.models.standard_precedence: PID+site+role > PID+site > PID+role > PID >
family+site+role > family+site > family+role > family). Equal family standards (a PID in two families of one
software type, nxos and nxos64-cs) prefer the family of the image the device runs, then the older standard. A
family standard whose version this PID does not have is passed over, and the reason says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from portal.catalog.choices import Fit, Reason
from portal.catalog.fit import FitResult, fit_of, fit_text
from portal.catalog.services.families import family_key
from portal.catalog.services.recommendations.loading import ImageInfo, ProductCatalog, ReleaseInfo, StandardInfo
from portal.inventory.choices import OsFamily

# Words that name an OS family inside upstream software type names ("IOS XE Software", "NX-OS System Software").
_TYPE_WORDS: dict[str, str] = {
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
    memory_mb: int | None = None
    flash_mb: int | None = None


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
    downgrade: bool = False
    target_key: str | None = None
    fit: FitResult = FitResult()


@dataclass(frozen=True)
class StandardChoice:
    """The standard that applies (with this PID's release of it), and family standards passed over."""

    standard: StandardInfo | None = None
    release: ReleaseInfo | None = None
    unavailable: tuple[StandardInfo, ...] = ()


def _standard_for(catalog: ProductCatalog, profile: Profile, type_id: int | None) -> StandardChoice:
    running_family = family_key(profile.running_image) if profile.running_image else ""
    matching = [
        s
        for s in catalog.standards
        if s.site in ("", profile.site)
        and s.role in ("", profile.role)
        and (type_id is None or s.software_type_id == type_id)
    ]
    matching.sort(key=lambda s: (s.precedence, s.family_key == running_family, -s.id), reverse=True)
    passed: list[StandardInfo] = []
    for standard in matching:
        if standard.family_key:
            release = catalog.release_like(standard.software_type_id, standard.sort_key)
        else:
            release = catalog.release(standard.release_id)
        if release is not None:
            return StandardChoice(standard, release, tuple(passed))
        passed.append(standard)
    return StandardChoice(unavailable=tuple(passed))


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


def _standard_words(standard: StandardInfo, target: ReleaseInfo, profile: Profile) -> tuple[str, str]:
    if target.sort_key == profile.release_key:
        return Reason.ON_STANDARD, f"Already on its standard release {target.version} (standard for {standard.scope})."
    direction = "an upgrade" if target.sort_key > profile.release_key else "a downgrade"
    text = (
        f"The standard for {standard.scope} is {target.version}; "
        f"running {profile.current_release or 'an unknown release'}: {direction}."
    )
    return Reason.STANDARD, text


def _passed_over(choice: StandardChoice, pid: str) -> str:
    return " ".join(f"(The standard for {s.scope}, {s.version}, is not published for {pid}.)" for s in
                    choice.unavailable)  # fmt: skip


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
    choice = _standard_for(catalog, profile, type_id)
    target: ReleaseInfo | None
    if choice.standard is not None and choice.release is not None:
        target, standard_id = choice.release, choice.standard.id
        reason, text = _standard_words(choice.standard, choice.release, profile)
    else:
        target, reason, text = _pick_target(candidates, profile)
        standard_id = None
    image = target_image_for(catalog.images.get(target.id, ()), profile.running_image) if target else None
    running = bool(target and target.sort_key == profile.release_key)
    fit = fit_of(
        min_memory_mb=image.min_memory_mb if image else None,
        min_flash_mb=image.min_flash_mb if image else None,
        memory_mb=profile.memory_mb,
        flash_mb=profile.flash_mb,
        running=running,
    )
    if fit.fit == Fit.TOO_SMALL:
        text = f"{text} {fit_text(fit, memory_mb=profile.memory_mb, flash_mb=profile.flash_mb)}"
    if choice.unavailable:
        text = f"{text} {_passed_over(choice, profile.pid)}"
    return Outcome(
        reason=reason,
        reason_text=text[:300],
        current_id=current.id if current else None,
        target_release_id=target.id if target else None,
        target_image_id=image.id if image else None,
        standard_id=standard_id,
        on_standard=reason == Reason.ON_STANDARD,
        upgrade_available=bool(target and target.sort_key > profile.release_key),
        downgrade=bool(target and profile.release_key and target.sort_key < profile.release_key),
        target_key=target.sort_key if target else None,
        fit=fit,
        **flags,
    )
