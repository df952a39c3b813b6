"""Loading: what the database holds about the PIDs in scope, read once per recomputation into plain values.

The rules (rules.py) work on these values only, so one computation can serve every device that shares a profile.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from portal.catalog.models import (
    Image,
    ImageFamily,
    ImageStatus,
    Product,
    Release,
    StandardRelease,
    family_display,
    standard_precedence,
    standard_scope_text,
)
from portal.catalog.services.families import family_key
from portal.cisco.sizes import megabytes


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
    """The columns of an image the computation needs (minimums in MB, None when not published)."""

    id: int
    release_id: int
    name: str
    is_related: bool
    is_deleted: bool
    deferred: bool
    psirt: bool
    min_memory_mb: int | None = None
    min_flash_mb: int | None = None


@dataclass(frozen=True)
class StandardInfo:
    """A standard's scope and the release it names: for a family standard, one member's release, whose software
    type and version every member PID looks up among its own releases."""

    id: int
    site: str
    role: str
    release_id: int
    software_type_id: int
    sort_key: str
    version: str
    target: str  # the PID, or the family's name ("Catalyst 9300 family")
    family_key: str = ""  # empty for a PID standard

    @property
    def precedence(self) -> tuple[bool, bool, bool]:
        """How it ranks among the standards matching a device (higher wins)."""
        return standard_precedence(is_family=bool(self.family_key), site=self.site, role=self.role)

    @property
    def scope(self) -> str:
        """The scope in words: "Catalyst 9300 family, site Munich"."""
        return standard_scope_text(self.target, self.site, self.role)


@dataclass
class ProductCatalog:
    """What the database holds for one PID, loaded once per recomputation."""

    pid: str
    product_id: int = 0
    releases: list[ReleaseInfo] = field(default_factory=list)  # in Cisco order
    images: dict[int, list[ImageInfo]] = field(default_factory=lambda: defaultdict(list))
    images_by_name: dict[str, ImageInfo] = field(default_factory=dict)
    standards: list[StandardInfo] = field(default_factory=list)
    by_id: dict[int, ReleaseInfo] = field(default_factory=dict)
    by_key: dict[tuple[int, str], ReleaseInfo] = field(default_factory=dict)

    def add_release(self, info: ReleaseInfo) -> None:
        """Append a release (callers add them in Cisco order)."""
        self.releases.append(info)
        self.by_id[info.id] = info
        self.by_key.setdefault((info.software_type_id, info.sort_key), info)

    def release(self, release_id: int) -> ReleaseInfo | None:
        """A release by id."""
        return self.by_id.get(release_id)

    def release_like(self, software_type_id: int, sort_key: str) -> ReleaseInfo | None:
        """This PID's release of that software type and version (what a family standard means for it)."""
        return self.by_key.get((software_type_id, sort_key))

    def family_keys(self) -> set[str]:
        """The image families this PID belongs to: the name stems of its main (not related) images."""
        return {family_key(i.name) for images in self.images.values() for i in images if not i.is_related}


def load_catalogs(pids: set[str]) -> dict[str, ProductCatalog]:
    """The releases (in Cisco order), images and PID standards of the PIDs, keyed by PID (four queries)."""
    product_pids = dict(Product.objects.filter(pid__in=pids).values_list("id", "pid"))
    catalogs = {pid: ProductCatalog(pid, product_id) for product_id, pid in product_pids.items()}
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
    _load_images(catalogs, release_product)
    standards = StandardRelease.objects.filter(product_id__in=product_pids).values_list(
        "id", "product_id", "site", "role", "release_id", "release__software_type_id", "release__sort_key",
        "release__version",
    )  # fmt: skip
    for sid, product_id, site, role, release_id, type_id, key, version in standards:
        pid = product_pids[product_id]
        catalogs[pid].standards.append(StandardInfo(sid, site, role, release_id, type_id, key, version, pid))
    return catalogs


def _load_images(catalogs: dict[str, ProductCatalog], release_product: dict[int, str]) -> None:
    product_ids = [catalog.product_id for catalog in catalogs.values()]
    images = Image.objects.filter(release__product_id__in=product_ids).order_by("name", "id")
    fields = ("id", "release_id", "name", "is_related", "is_deleted", "deferral_notice", "psirt", "min_dram",
              "min_flash")  # fmt: skip
    parsed: dict[str, int | None] = {}  # a few distinct texts ("8192", "16384") across thousands of images
    for iid, rid, name, related, deleted, deferral, psirt, dram, flash in images.values_list(*fields).iterator(
        chunk_size=5000
    ):
        memory = parsed[dram] if dram in parsed else parsed.setdefault(dram, megabytes(dram))
        storage = parsed[flash] if flash in parsed else parsed.setdefault(flash, megabytes(flash))
        info = ImageInfo(iid, rid, name, related, deleted, bool(deferral), psirt, memory, storage)
        catalog = catalogs[release_product[rid]]
        catalog.images[rid].append(info)
        catalog.images_by_name.setdefault(name, info)


def load_family_standards(catalogs: dict[str, ProductCatalog]) -> None:
    """Add to each PID's standards those of the image families it belongs to (two queries)."""
    by_product = {catalog.product_id: catalog for catalog in catalogs.values()}
    members = ImageFamily.products.through.objects.filter(product_id__in=list(by_product))
    families: dict[int, list[ProductCatalog]] = defaultdict(list)
    for product_id, family_id in members.values_list("product_id", "imagefamily_id"):
        families[family_id].append(by_product[product_id])
    if not families:
        return
    standards = StandardRelease.objects.filter(family_id__in=list(families)).values_list(
        "id", "family_id", "family__key", "family__name", "site", "role", "release_id", "release__software_type_id",
        "release__sort_key", "release__version",
    )  # fmt: skip
    for sid, family_id, key, name, site, role, release_id, type_id, sort_key, version in standards:
        info = StandardInfo(sid, site, role, release_id, type_id, sort_key, version, family_display(name, key), key)
        for catalog in families[family_id]:
            catalog.standards.append(info)


def load_statuses(names: set[str]) -> dict[str, tuple[bool, bool]]:
    """(deleted, deferred) of the image names the status check knows, by name (batches of 500 names)."""
    names.discard("")
    found: dict[str, tuple[bool, bool]] = {}
    ordered = sorted(names)
    for start in range(0, len(ordered), 500):
        rows = ImageStatus.objects.filter(name__in=ordered[start : start + 500], known=True)
        for name, deleted, deferred in rows.values_list("name", "is_deleted", "is_deferred"):
            found[name] = (deleted, deferred)
    return found
