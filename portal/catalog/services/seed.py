"""A realistic synthetic fleet (and, when asked, a synthetic catalog) for demos and benchmarks.

Devices are spread over the catalog's products with a skew (a few PIDs are most of the fleet, as in real
networks), run an older release of their product with its main image, and sit at sites in roles. Everything is
written with bulk_create in batches, so 100,000 devices take seconds, not minutes. The new devices are announced
like any other inventory write (``devices_changed``), so their recommendations follow.
"""

from __future__ import annotations

import contextlib
import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from portal.catalog.caching import catalog_generation_next
from portal.catalog.models import Image, Product, Release, SoftwareType, StandardRelease
from portal.cisco.versionkey import release_sort_key
from portal.inventory.choices import DeviceSource, OsFamily
from portal.inventory.models import Device
from portal.inventory.services.devices import device_tags_replace, devices_announce
from portal.inventory.services.fields import infer_os_family

BATCH = 2000
SITES = [
    f"{city}{n}"
    for city in ("ber", "lon", "fra", "ams", "par", "mad", "nyc", "sfo", "sin", "syd", "tok", "sao", "jnb", "dub")
    for n in (1, 2, 3)
]
ROLES = ("access", "distribution", "core", "wan-edge", "firewall", "dc-leaf", "dc-spine", "wlc")
TAGS = ("pci", "lab", "critical", "legacy", "vip", "iot", "guest", "mgmt")
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Style:
    """How one synthetic product line names its PIDs, versions and images."""

    os_family: str
    type_id: str
    type_name: str
    pid: str
    version: Callable[[random.Random], str]
    image: Callable[[str, str], str]
    roles: tuple[str, ...]


def _xe(rng: random.Random) -> str:
    train = rng.choice((16, 17, 17, 17))
    return f"{train}.{rng.choice((3, 6, 9, 12, 15))}.{rng.randint(1, 9)}{rng.choice(('', '', 'a'))}"


def _ios(rng: random.Random) -> str:
    return f"15.2({rng.randint(2, 7)})E{rng.randint(0, 10) or ''}"


def _nxos(rng: random.Random) -> str:
    major = rng.choice(((9, 3), (10, 2), (10, 3), (10, 4)))
    return f"{major[0]}.{major[1]}({rng.randint(1, 14)})" + ("M" if major[0] >= 10 else "")


def _asa(rng: random.Random) -> str:
    return f"9.{rng.choice((12, 14, 16, 18, 20))}({rng.randint(1, 4)}){rng.randint(1, 60)}"


def _aireos(rng: random.Random) -> str:
    return f"8.{rng.choice((5, 8, 10))}.{rng.randint(100, 196)}.0"


def _dots(version: str) -> str:
    return "".join(ch if ch.isalnum() else "." for ch in version).strip(".")


STYLES = (
    Style(OsFamily.IOS_XE, "282046477", "IOS XE Software", "C{m}-{p}{s}", _xe,
          lambda m, v: f"c{m}_iosxe.{_dots(v)}.SPA.bin", ("access", "distribution", "core")),
    Style(OsFamily.IOS, "280805680", "IOS Software", "WS-C{m}-{p}{s}-L", _ios,
          lambda m, v: f"c{m}-universalk9-mz.{_dots(v)}.bin", ("access",)),
    Style(OsFamily.NX_OS, "282088129", "NX-OS System Software", "N9K-C{m}-{p}{s}", _nxos,
          lambda m, v: f"nxos64-cs.{_dots(v)}.bin", ("dc-leaf", "dc-spine")),
    Style(OsFamily.ASA, "280775065", "Adaptive Security Appliance (ASA) Software", "ASA{m}-{p}{s}", _asa,
          lambda m, v: f"asa{_dots(v).replace('.', '-')}-smp-k8.bin", ("firewall",)),
    Style(OsFamily.AIREOS, "280926587", "Wireless LAN Controller Software", "AIR-CT{m}-{p}{s}-K9", _aireos,
          lambda m, v: f"AIR-CT{m}-K9-{v.replace('.', '-')}.aes", ("wlc",)),
)  # fmt: skip


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def catalog_synthesize(*, images: int, seed: int = 0, progress: Progress | None = None) -> int:
    """Write a synthetic catalog of about ``images`` images (about 40 per product, 2 per release); returns images."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data
    now = timezone.now()
    types = {}
    for style in STYLES:
        types[style.type_id], _ = SoftwareType.objects.get_or_create(
            type_id=style.type_id, defaults={"name": style.type_name}
        )
    with _bulk_session(), transaction.atomic():
        made = _synthesize(rng, types, images, now, progress)
        catalog_generation_next()
    return made


def _synthesize(rng: random.Random, types: dict, images: int, now, progress: Progress | None) -> int:
    n_products = max(1, images // 40)
    existing = set(Product.objects.values_list("pid", flat=True))
    made = 0
    for index in range(n_products):
        style = STYLES[index % len(STYLES)]
        model = 1000 + index
        pid = style.pid.format(m=model, p=rng.choice((12, 24, 48)), s=rng.choice(("T", "P", "U", "FX", "UX")))
        if pid in existing:
            continue
        existing.add(pid)
        product = Product.objects.create(
            pid=pid, mdf_id=str(286_400_000 + 7 * index), mdf_concept_name=f"Synthetic {pid}", fetched_at=now
        )
        versions = sorted({style.version(rng) for _ in range(30)}, key=release_sort_key)[-20:]
        releases = Release.objects.bulk_create(
            [
                Release(
                    product=product,
                    software_type=types[style.type_id],
                    operating_system=style.type_name.split()[0],
                    version=v,
                    sort_key=release_sort_key(v),
                    fcs_date=None,
                    lifecycle="MD",
                    is_suggested=i >= len(versions) - 3 and rng.random() < 0.7,
                    is_deleted=rng.random() < 0.03,
                    is_deferred=rng.random() < 0.04,
                    psirt=rng.random() < 0.1,
                    metadata_trans_id=str(rng.randrange(10**17)),
                    fetched_at=now,
                )
                for i, v in enumerate(versions)
            ]
        )
        if releases and releases[0].pk is None:  # backends that do not return ids from bulk inserts
            releases = list(Release.objects.filter(product=product))
        rows = []
        for release in releases:
            main = style.image(str(model), release.version)
            for name, related in ((main, False), (main.replace(".bin", ".tar").replace("-mz.", "-tar."), True)):
                rows.append(
                    Image(
                        release=release,
                        guid=_hex(rng, 40).upper(),
                        name=name if not related or name != main else name + ".tar",
                        size=rng.randint(200, 1800) * 1024 * 1024,
                        md5=_hex(rng, 32),
                        sha512=_hex(rng, 128),
                        feature_set="UNIVERSAL",
                        crypto=True,
                        is_related=related,
                        is_deleted=release.is_deleted,
                        deferral_notice="https://www.cisco.com/c/en/us/support/deferral.html"
                        if release.is_deferred
                        else "",
                        psirt=release.psirt,
                        metadata_trans_id=release.metadata_trans_id,
                        fetched_at=now,
                    )
                )
        Image.objects.bulk_create(rows, batch_size=BATCH)
        made += len(rows)
        if progress and index % 50 == 0:
            progress("catalog", made, images)
    return made


def _hostname(site: str, role: str, n: int) -> str:
    return f"{site}-{role}-{n:06d}"


def fleet_seed(
    *, devices: int, seed: int = 0, standards: float = 0.3, progress: Progress | None = None, start: int = 0
) -> int:
    """Add ``devices`` devices over the products in the catalog (which must not be empty); returns how many.

    ``standards`` is the share of products that get a global standard (and a few site-scoped ones)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data
    releases: dict[str, list[tuple[str, str, str]]] = {}
    type_names: dict[str, str] = {}
    images = dict(Image.objects.filter(is_related=False).values_list("release_id", "name"))
    for rid, pid, version, key, type_name in Release.objects.order_by("sort_key").values_list(
        "id", "product__pid", "version", "sort_key", "software_type__name"
    ):
        releases.setdefault(pid, []).append((version, key, images.get(rid, "")))
        type_names.setdefault(pid, type_name)
    if not releases:
        raise ValueError("The catalog is empty: run a catalog refresh or seed_fleet --images N first.")
    pids = sorted(releases)
    rng.shuffle(pids)  # which PIDs are popular must not follow the alphabet (or the OS family)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(pids))]  # Zipf-like: a few PIDs dominate
    families = {pid: _family_of(pid, type_names[pid]) for pid in pids}
    golden = _seed_standards(rng, pids, standards)
    catalog_generation_next()
    stamp = timezone.now()  # every device of this run has it: how the run finds its own rows afterwards
    now = connection.ops.adapt_datetimefield_value(stamp)
    made = 0
    tag_rows: dict[str, list[str]] = {}
    with _bulk_session(), transaction.atomic():
        while made < devices:
            batch: list[tuple] = []
            for pid in rng.choices(pids, weights, k=min(BATCH, devices - made)):
                family = families[pid]
                version, key, image = _pick_release(rng, releases[pid], golden.get(pid))
                site, role = rng.choice(SITES), rng.choice(_roles_for(family))
                hostname = _hostname(site, role, start + made + len(batch))
                serial = "".join(rng.choices(string.ascii_uppercase + string.digits, k=11))
                batch.append(
                    (hostname, pid, serial, version, key, image, family, site, role, "", DeviceSource.SEED, now, now)
                )
                if rng.random() < 0.2:
                    tag_rows[hostname] = rng.sample(TAGS, rng.randint(1, 2))
            _insert_devices(batch)
            made += len(batch)
            if progress:
                progress("devices", made, devices)
        _seed_tags(tag_rows)
        seeded = Device.objects.filter(source=DeviceSource.SEED, created=stamp).values_list("id", flat=True)
        devices_announce(device_ids=list(seeded))
    return made


def _pick_release(rng: random.Random, options: list[tuple[str, str, str]], golden: str | None) -> tuple[str, str, str]:
    """A release for one device: a quarter of a standardised PID already runs its standard, a tenth of the rest
    runs one of the newest releases, and most run something older."""
    roll = rng.random()
    if golden is not None and roll < 0.25:
        return next(o for o in options if o[0] == golden)
    if roll > 0.9:
        return rng.choice(options[-max(1, len(options) // 4) :])
    return rng.choice(options[: max(1, len(options) * 3 // 4)])


_DEVICE_COLUMNS = (
    "hostname",
    "pid",
    "serial",
    "current_release",
    "release_key",
    "running_image",
    "os_family",
    "site",
    "role",
    "notes",
    "source",
    "created",
    "updated",
)


def _insert_devices(rows: list[tuple]) -> None:
    """One executemany per batch: the ORM's per-row model and SQL building is most of bulk_create's time here."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in _DEVICE_COLUMNS)
    marks = ", ".join(["%s"] * len(_DEVICE_COLUMNS))
    sql = f"INSERT INTO {quote(Device._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 - our names
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@contextlib.contextmanager
def _bulk_session() -> Iterator[None]:
    """SQLite: a page cache big enough for the indexes of 100,000 rows while they are written (this connection
    only; the default 2 MB cache turns index inserts into page evictions and re-reads)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _family_of(pid: str, type_name: str) -> str:
    for style in STYLES:
        if style.type_name.upper() == type_name.upper():
            return style.os_family
    return infer_os_family(pid=pid)


def _roles_for(family: str) -> tuple[str, ...]:
    return next((s.roles for s in STYLES if s.os_family == family), ROLES)


def _seed_tags(tag_rows: dict[str, list[str]]) -> None:
    hostnames = list(tag_rows)
    ids: dict[str, int] = {}
    for start in range(0, len(hostnames), 900):
        ids.update(Device.objects.filter(hostname__in=hostnames[start : start + 900]).values_list("hostname", "id"))
    device_tags_replace(tags_by_device={ids[h]: names for h, names in tag_rows.items()})


def _seed_standards(rng: random.Random, pids: list[str], share: float) -> dict[str, str]:
    """Give a share of the PIDs a standard (one of their three newest usable releases; some also a site-scoped
    one); returns the global standard's version by PID, existing standards included."""
    products = dict(Product.objects.filter(pid__in=pids).values_list("pid", "id"))
    pid_of = {product_id: pid for pid, product_id in products.items()}
    golden = {
        pid_of[product_id]: version
        for product_id, version in StandardRelease.objects.filter(site="", role="").values_list(
            "product_id", "release__version"
        )
        if product_id in pid_of
    }
    usable: dict[int, list[tuple[int, str]]] = {}
    rows = Release.objects.filter(product_id__in=products.values(), is_deleted=False, is_deferred=False)
    for release_id, product_id, version in rows.order_by("-sort_key").values_list("id", "product_id", "version"):
        usable.setdefault(product_id, []).append((release_id, version))
    standards = []
    for pid in sorted(pids):
        newest = usable.get(products[pid], [])[:3]
        if pid in golden or not newest or rng.random() >= share:
            continue
        release_id, version = rng.choice(newest)
        standards.append(StandardRelease(product_id=products[pid], release_id=release_id))
        golden[pid] = version
        if rng.random() < 0.3:
            standards.append(StandardRelease(product_id=products[pid], release_id=newest[0][0], site=rng.choice(SITES)))
    StandardRelease.objects.bulk_create(standards, ignore_conflicts=True)
    return golden
