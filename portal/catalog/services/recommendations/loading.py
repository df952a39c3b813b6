"""Loading: what the database holds about the PIDs in scope, read once per recomputation into plain values.

The rules (rules.py) work on these values only, so one computation can serve every device that shares a profile.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from portal.catalog.models import Image, ImageStatus, Product, Release, StandardRelease


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


def load_catalogs(pids: set[str]) -> dict[str, ProductCatalog]:
    """The releases (in Cisco order), images and standards of the PIDs, keyed by PID (four queries)."""
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
