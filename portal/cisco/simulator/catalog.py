"""Load the simulator's catalog (format v1, see CATALOG.md) into frozen, indexed objects.

The JSON mirrors the spec's ``metadata`` element; loading resolves shared ``softwareTypeSets``, checks what the
simulator relies on (unique PIDs, well-formed GUIDs, one image per GUID), and builds the indexes the endpoints
need: products by PID, images by GUID and by name, and for every image the software type and release it first
appears in (metadata/images answers those flat).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from portal.cisco.errors import ErrorKind, error_code
from portal.cisco.simulator import capture
from portal.cisco.simulator.content import ImageBytes

GUID_RE = re.compile(r"[0-9A-F]{40}")
DELIVERIES = frozenset({"default", "cloud"})
# It becomes a Location header: no white space or control characters may smuggle in another header.
_EXTERNAL_URL_RE = re.compile(r"https?://[^\s\x00-\x1f\x7f]+")


class CatalogError(ValueError):
    """The catalog file is not a valid format-v1 catalog."""


@dataclass(frozen=True, eq=False)
class Image:
    """One software image; ``fields`` holds its wire fields exactly as the catalog gives them (no sim* keys)."""

    guid: str
    name: str
    size: int
    fields: Mapping[str, Any]
    delivery: str = "default"
    restriction: str = ""
    external_url: str = ""

    @property
    def crypto(self) -> bool:
        """True when the image is strong-encryption software (needs an accepted K9 form)."""
        return str(self.fields.get("encryptionSoftwareIndicator", "N")).upper() == "Y"

    @property
    def deleted(self) -> bool:
        """True when Cisco has removed the image (``isDeleted`` "Y"): listed, never delivered."""
        return str(self.fields.get("isDeleted", "N")).upper() == "Y"

    @property
    def content(self) -> ImageBytes:
        """The image's deterministic bytes."""
        return ImageBytes(self.guid, self.size)


@dataclass(frozen=True, eq=False)
class Release:
    """One release of a software type on one operating system; ``fields`` excludes ``images``."""

    version: str
    fields: Mapping[str, Any]
    images: tuple[Image, ...]


@dataclass(frozen=True, eq=False)
class OperatingSystem:
    """An operating-system grouping of releases (the spec's ``operatingSystems`` element)."""

    name: str
    releases: tuple[Release, ...]


@dataclass(frozen=True, eq=False)
class SoftwareType:
    """A software type (IOS XE Software, NX-OS EPLD Updates ...) with its releases per operating system."""

    type_id: str
    name: str
    operating_systems: tuple[OperatingSystem, ...]


@dataclass(frozen=True, eq=False)
class Product:
    """One PID with its MDF identity and software types."""

    pid: str
    mdf_id: str
    mdf_concept_name: str
    software_types: tuple[SoftwareType, ...]


@dataclass(frozen=True, eq=False)
class Row:
    """One record as the API paginates them: an image within a release, OS, software type and product."""

    product: Product
    software_type: SoftwareType
    operating_system: OperatingSystem
    release: Release
    image: Image


@dataclass(frozen=True, eq=False)
class ImagePlace:
    """Where an image first appears in the catalog (metadata/images reports its type and release date)."""

    software_type: SoftwareType
    release: Release


class Catalog:
    """The loaded catalog with its indexes; immutable after construction except for the digest cache."""

    def __init__(self, products: tuple[Product, ...], source: str = "") -> None:
        self.source = source
        self.products: dict[str, Product] = {}
        self.images_by_guid: dict[str, Image] = {}
        self.images_by_name: dict[str, list[Image]] = {}
        self.places: dict[str, ImagePlace] = {}
        for product in products:
            if product.pid in self.products:
                raise CatalogError(f"duplicate pid {product.pid!r}")
            self.products[product.pid] = product
            for row in _product_rows(product):
                self._index(row)
        self._digests: dict[str, tuple[str, str]] = {}
        self._digest_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def _index(self, row: Row) -> None:
        image = row.image
        known = self.images_by_guid.get(image.guid)
        if known is None:
            self.images_by_guid[image.guid] = image
            self.images_by_name.setdefault(image.name, []).append(image)
            self.places[image.guid] = ImagePlace(row.software_type, row.release)
        elif known is not image and (known.name, known.size) != (image.name, image.size):
            raise CatalogError(f"imageGuid {image.guid} names two different images")

    def product(self, pid: str) -> Product | None:
        """The product for a PID as a client writes it (``=VID:V01`` suffixes and spare ``=`` tolerated)."""
        pid = re.sub(r"VID:.*$", "", pid.strip())
        for candidate in (pid, pid.rstrip("="), pid + "="):
            found = self.products.get(candidate)
            if found is not None:
                return found
        return None

    def rows(self, product: Product) -> list[Row]:
        """Every record of one product in catalog order."""
        return list(_product_rows(product))

    def digests(self, image: Image) -> tuple[str, str]:
        """(md5, sha512) of the image: the catalog's values, or computed once from the bytes and cached."""
        md5, sha512 = str(image.fields.get("md5", "")), str(image.fields.get("sha512", ""))
        if md5 and sha512:
            return md5, sha512
        with self._lock:
            cached = self._digests.get(image.guid)
            lock = self._digest_locks.setdefault(image.guid, threading.Lock())
        if cached:
            return cached
        with lock:  # one computation per image even when many requests ask at once
            if image.guid not in self._digests:
                self._digests[image.guid] = image.content.digests()
            return self._digests[image.guid]


def _product_rows(product: Product) -> Iterator[Row]:
    for software_type in product.software_types:
        for operating_system in software_type.operating_systems:
            for release in operating_system.releases:
                for image in release.images:
                    yield Row(product, software_type, operating_system, release, image)


def _require(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj or obj[key] in (None, ""):
        raise CatalogError(f"{where}: missing {key!r}")
    return obj[key]


def _image(raw: Mapping[str, Any], where: str) -> Image:
    if not isinstance(raw, Mapping):
        raise CatalogError(f"{where}: an image must be an object")
    guid = str(_require(raw, "imageGuid", where))
    if not GUID_RE.fullmatch(guid):
        raise CatalogError(f"{where}: imageGuid {guid!r} is not 40 upper-case hex characters")
    name = str(_require(raw, "name", where))
    try:
        size = int(_require(raw, "size", where))
    except ValueError as exc:
        raise CatalogError(f"{where}: size of {name!r} is not an integer") from exc
    if size < 0:
        raise CatalogError(f"{where}: size of {name!r} is negative")
    delivery = str(raw.get("simDelivery") or "default")
    if delivery not in DELIVERIES:
        raise CatalogError(f"{where}: simDelivery of {name!r} must be one of {sorted(DELIVERIES)}")
    restriction = str(raw.get("simRestriction") or "")
    known = error_code(restriction)
    if known is not None and known.kind is not ErrorKind.IMAGE:
        raise CatalogError(
            f"{where}: simRestriction {restriction} of {name!r} is a request error, not a per-image exception"
            + (' (mark a deleted image with "isDeleted": "Y")' if restriction == "SW_NO_LONGER_AVL" else "")
        )
    external_url = str(raw.get("simExternalUrl") or "")
    if external_url and not _EXTERNAL_URL_RE.fullmatch(external_url):
        raise CatalogError(f"{where}: simExternalUrl of {name!r} must be an http(s) URL without spaces")
    fields = {k: v for k, v in raw.items() if not k.startswith("sim")}
    return Image(
        guid=guid,
        name=name,
        size=size,
        fields=MappingProxyType(fields),
        delivery=delivery,
        restriction=restriction,
        external_url=external_url,
    )


def _release(raw: Mapping[str, Any], where: str) -> Release:
    version = str(_require(raw, "version", where))
    where = f"{where} release {version}"
    images = tuple(_image(img, where) for img in raw.get("images") or ())
    fields = {k: v for k, v in raw.items() if k != "images" and not k.startswith("sim")}
    return Release(version=version, fields=MappingProxyType(fields), images=images)


def _software_type(raw: Mapping[str, Any], where: str) -> SoftwareType:
    type_id = str(_require(raw, "softwareTypeId", where))
    where = f"{where} softwareType {type_id}"
    systems = tuple(
        OperatingSystem(
            name=str(os_raw.get("name", "")),
            releases=tuple(_release(rel, f"{where} os {os_raw.get('name', '')}") for rel in os_raw.get("releases", ())),
        )
        for os_raw in raw.get("operatingSystems") or ()
    )
    return SoftwareType(type_id=type_id, name=str(raw.get("softwareTypeName", "")), operating_systems=systems)


def parse_catalog(data: Mapping[str, Any], source: str = "") -> Catalog:
    """Build a :class:`Catalog` from the decoded JSON document."""
    if not isinstance(data, Mapping) or data.get("format") != 1:
        raise CatalogError(f'{source or "catalog"}: not a format-1 catalog ("format": 1 missing)')
    sets = {
        name: tuple(_software_type(st, f"softwareTypeSet {name}") for st in types)
        for name, types in (data.get("softwareTypeSets") or {}).items()
    }
    products: list[Product] = []
    for index, raw in enumerate(data.get("products") or ()):
        where = f"product #{index}"
        pid = str(_require(raw, "pid", where))
        where = f"product {pid}"
        if "softwareTypeSet" in raw:
            set_name = raw["softwareTypeSet"]
            if set_name not in sets:
                raise CatalogError(f"{where}: unknown softwareTypeSet {set_name!r}")
            software_types = sets[set_name]
        else:
            software_types = tuple(_software_type(st, where) for st in raw.get("softwareTypes") or ())
        products.append(
            Product(
                pid=pid,
                mdf_id=str(_require(raw, "mdfId", where)),
                mdf_concept_name=str(raw.get("mdfConceptName", "")),
                software_types=software_types,
            )
        )
    return Catalog(tuple(products), source=source)


def load_catalog(path: str | Path) -> Catalog:
    """Read and parse a catalog file: a format-1 catalog, or metadata answers captured from the API."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError as exc:
        raise CatalogError(f"catalog file not found: {path}") from exc
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{path}: not valid JSON ({exc})") from exc
    if capture.is_capture(data):  # answers captured from the API, as they came (capture.py)
        try:
            data = capture.catalog_from_answers([(str(path), data)])
        except capture.CaptureError as exc:
            raise CatalogError(str(exc)) from None
    return parse_catalog(data, source=str(path))
