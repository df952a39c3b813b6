"""Recommendations: for each device a target release (its standard, else the newest suggested release above the
current one, else the latest) with the reason in words, and the flags the dashboard counts.

Computed in bulk and stored (catalog.Recommendation), so pages and the API read them with joins instead of
working them out per row. Devices that share (PID, release, image, site, role, OS) share one computation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from portal.catalog.choices import Reason
from portal.catalog.models import Image, ImageStatus, Product, Recommendation, Release, StandardRelease
from portal.catalog.summary import fleet_changed
from portal.inventory.choices import OsFamily
from portal.inventory.models import Device

CHUNK = 5000
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
class ReleaseInfo:
    """The columns of a release the computation needs."""

    id: int
    software_type_id: int
    software_type_name: str
    version: str
    sort_key: str
    is_suggested: bool
    is_deleted: bool
    is_deferred: bool
    psirt: bool


@dataclass(frozen=True)
class ImageInfo:
    """The columns of an image the computation needs."""

    id: int
    release_id: int
    name: str
    is_related: bool
    is_deleted: bool
    deferred: bool
    psirt: bool


@dataclass(frozen=True)
class StandardInfo:
    """A standard release's scope and target."""

    id: int
    site: str
    role: str
    release_id: int

    @property
    def specificity(self) -> int:
        """Site and role 3, site 2, role 1, neither 0 (the most specific standard applies)."""
        return 2 * bool(self.site) + bool(self.role)

    @property
    def scope(self) -> str:
        """The scope in words."""
        parts = [f"site {self.site}" if self.site else "", f"role {self.role}" if self.role else ""]
        return " and ".join(p for p in parts if p) or "every device"


@dataclass
class ProductCatalog:
    """What the database holds for one PID, loaded once per recomputation."""

    pid: str
    releases: list[ReleaseInfo] = field(default_factory=list)  # in Cisco order
    images: dict[int, list[ImageInfo]] = field(default_factory=lambda: defaultdict(list))
    images_by_name: dict[str, ImageInfo] = field(default_factory=dict)
    standards: list[StandardInfo] = field(default_factory=list)
    by_id: dict[int, ReleaseInfo] = field(default_factory=dict)

    def add_release(self, info: ReleaseInfo) -> None:
        """Append a release (callers add them in Cisco order)."""
        self.releases.append(info)
        self.by_id[info.id] = info

    def release(self, release_id: int) -> ReleaseInfo | None:
        """A release by id."""
        return self.by_id.get(release_id)


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


# --- loading -------------------------------------------------------------------------------------------------


def _load_catalogs(pids: set[str]) -> dict[str, ProductCatalog]:
    catalogs: dict[str, ProductCatalog] = {}
    product_pids = dict(Product.objects.filter(pid__in=pids).values_list("id", "pid"))
    for pid in product_pids.values():
        catalogs[pid] = ProductCatalog(pid)
    release_product: dict[int, str] = {}
    rows = (
        Release.objects.filter(product_id__in=product_pids)
        .order_by("sort_key", "id")
        .values_list(
            "id",
            "product_id",
            "software_type_id",
            "software_type__name",
            "version",
            "sort_key",
            "is_suggested",
            "is_deleted",
            "is_deferred",
            "psirt",
        )
    )
    for rid, product_id, type_id, type_name, version, key, suggested, deleted, deferred, psirt in rows.iterator(
        chunk_size=5000
    ):
        info = ReleaseInfo(rid, type_id, type_name, version, key, suggested, deleted, deferred, psirt)
        catalogs[product_pids[product_id]].add_release(info)
        release_product[rid] = product_pids[product_id]
    images = Image.objects.filter(release__product_id__in=product_pids).order_by("name", "id")
    fields = ("id", "release_id", "name", "is_related", "is_deleted", "deferral_notice", "psirt")
    for iid, rid, name, related, deleted, deferral, psirt in images.values_list(*fields).iterator(chunk_size=5000):
        info = ImageInfo(iid, rid, name, related, deleted, bool(deferral), psirt)
        catalog = catalogs[release_product[rid]]
        catalog.images[rid].append(info)
        catalog.images_by_name.setdefault(name, info)
    standards = StandardRelease.objects.filter(product_id__in=product_pids).values_list(
        "id", "product_id", "site", "role", "release_id"
    )
    for sid, product_id, site, role, release_id in standards:
        catalogs[product_pids[product_id]].standards.append(StandardInfo(sid, site, role, release_id))
    return catalogs


def _load_statuses(names: set[str]) -> dict[str, tuple[bool, bool]]:
    names.discard("")
    found: dict[str, tuple[bool, bool]] = {}
    ordered = sorted(names)
    for start in range(0, len(ordered), 500):
        rows = ImageStatus.objects.filter(name__in=ordered[start : start + 500], known=True)
        for name, deleted, deferred in rows.values_list("name", "is_deleted", "is_deferred"):
            found[name] = (deleted, deferred)
    return found


# --- the rules -----------------------------------------------------------------------------------------------


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


# --- storing -------------------------------------------------------------------------------------------------


def _device_rows(devices) -> Iterator[list[tuple]]:
    fields = ("id", "pid", "current_release", "release_key", "running_image", "site", "role", "os_family")
    last_id = 0
    while True:
        # Keyset pagination: steady cost per chunk however large the inventory is.
        chunk = list(devices.filter(id__gt=last_id).order_by("id").values_list(*fields)[:CHUNK])
        if not chunk:
            return
        yield chunk
        last_id = chunk[-1][0]


def _memo_key(catalog: ProductCatalog | None, profile: Profile) -> tuple:
    """Devices that only differ in a site or role no standard names get the same answer: compute it once."""
    if catalog is None:
        return (profile.pid, profile.running_image)
    site = profile.site if any(s.site == profile.site for s in catalog.standards) else ""
    role = profile.role if any(s.role == profile.role for s in catalog.standards) else ""
    return (
        profile.pid,
        profile.current_release,
        profile.release_key,
        profile.running_image,
        profile.os_family,
        site,
        role,
    )


def recommendations_recompute(*, device_ids: Iterable[int] | None = None, pids: Iterable[str] | None = None) -> int:
    """Recompute and store the recommendations of some devices (all when no filter is given); returns how many."""
    devices = Device.objects.all()
    if device_ids is not None:
        devices = devices.filter(id__in=list(device_ids))
    if pids is not None:
        devices = devices.filter(pid__in=list(pids))
    scope_pids = set(devices.values_list("pid", flat=True).distinct().order_by())
    catalogs = _load_catalogs(scope_pids)
    statuses = _load_statuses(set(devices.values_list("running_image", flat=True).distinct().order_by()))
    memo: dict[tuple, tuple] = {}
    now = timezone.now()
    count = 0
    for chunk in _device_rows(devices):
        rows = []
        for device_id, *values in chunk:
            profile = Profile(*values)
            catalog = catalogs.get(profile.pid)
            key = _memo_key(catalog, profile)
            row = memo.get(key)
            if row is None:
                row = memo[key] = _values(recommend(catalog, profile, statuses), now)
            rows.append((device_id, *row))
        _upsert(rows)
        count += len(rows)
    fleet_changed()
    return count


_COLUMNS = (
    "current_id",
    "target_release_id",
    "target_image_id",
    "standard_id",
    "reason",
    "reason_text",
    "on_standard",
    "upgrade_available",
    "running_deleted",
    "running_deferred",
    "psirt",
    "computed_at",
)


def _values(outcome: Outcome, now) -> tuple:
    computed_at = connection.ops.adapt_datetimefield_value(now)
    return (
        outcome.current_id,
        outcome.target_release_id,
        outcome.target_image_id,
        outcome.standard_id,
        outcome.reason,
        outcome.reason_text,
        outcome.on_standard,
        outcome.upgrade_available,
        outcome.running_deleted,
        outcome.running_deferred,
        outcome.psirt,
        computed_at,
    )


def _upsert(rows: list[tuple]) -> None:
    """INSERT ... ON CONFLICT DO UPDATE with executemany: the ORM's bulk_create spends ~0.2 ms per row building
    model instances and SQL, which is most of the time for 100,000 devices (both SQLite and PostgreSQL speak this)."""
    quote = connection.ops.quote_name
    table = quote(Recommendation._meta.db_table)
    columns = ", ".join(quote(c) for c in ("device_id", *_COLUMNS))
    marks = ", ".join(["%s"] * (len(_COLUMNS) + 1))
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in _COLUMNS)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT ({quote('device_id')}) DO UPDATE SET {updates}"  # noqa: S608 - names are ours, values are parameters
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
