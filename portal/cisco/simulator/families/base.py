"""Building blocks of the family definitions: frozen dataclasses shaped like CATALOG.md, name and URL helpers.

A family module describes its products with these classes; :func:`family_json` turns a family into the
catalog's JSON pieces (``softwareTypeSets`` entries and ``products``). Digests are left empty here: they are
filled by ``catalog_build.fill_digests`` from the simulator's bytes.

The ``...Spec`` classes are what an author writes (``ImageSpec``, ``ReleaseSpec``, ``ProductSpec`` ...); the
simulator serves the loaded catalog's own ``Image``, ``Release`` and ``Product`` (portal/cisco/simulator/
catalog.py), so each name means one thing. A ``ReleaseRow`` is one line of a compact release table.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

CISCO_SA = "https://sec.cloudapps.cisco.com/security/center/content/CiscoSecurityAdvisory/"
SA_LISTING = "https://sec.cloudapps.cisco.com/security/center/publicationListing.x"
SUPPORT = "https://www.cisco.com/c/en/us/support/"
DOCS = "https://www.cisco.com/c/en/us/td/docs/"

LIFECYCLES = frozenset({"", "MD", "ED", "GD", "LD", "DF"})
DELIVERIES = frozenset({"default", "cloud"})


@dataclass(frozen=True)
class Doc:
    """A document attached to a release or an image."""

    name: str
    type: str
    url: str

    def to_json(self) -> dict[str, str]:
        """The spec's ``{"name", "type", "url"}`` object."""
        return {"name": self.name, "type": self.type, "url": self.url}


@dataclass(frozen=True)
class Migration:
    """Where Cisco sends users of a deferred or deleted image."""

    version: str
    retirement_date: str = ""
    lifecycle: str = "MD"


@dataclass(frozen=True)
class ImageSpec:
    """One image file of a release; ``guid`` is set only where the spec's samples fix it."""

    name: str
    size: int
    feature_set: str = ""
    description: str = ""
    min_dram: str = ""
    min_flash: str = ""
    crypto: bool = True
    related: bool = False
    entitlement: bool = False
    psirt: bool = False
    software_advisory: str = ""
    deferral_notice: str = ""
    deleted_date: str = ""
    release_date: str = ""
    docs: tuple[Doc, ...] = ()
    migration: Migration | None = None
    restriction: str = ""
    delivery: str = "default"
    external_url: str = ""
    guid: str = ""

    def __post_init__(self) -> None:
        if self.size < 0 or self.delivery not in DELIVERIES:
            raise ValueError(f"{self.name}: bad size or delivery")


@dataclass(frozen=True)
class ReleaseSpec:
    """One release (version) of a software type on one operating system."""

    version: str
    fcs: str
    lifecycle: str = "MD"
    suggested: bool = False
    images: tuple[ImageSpec, ...] = ()
    field_notice: str = ""
    security_advisory: str = ""
    docs: tuple[Doc, ...] = ()
    message: str = ""
    catalog_message: str = ""

    def __post_init__(self) -> None:
        if self.lifecycle not in LIFECYCLES:
            raise ValueError(f"{self.version}: unknown lifecycle {self.lifecycle!r}")


@dataclass(frozen=True)
class OperatingSystemSpec:
    """The spec's ``operatingSystems`` grouping (IOS XE, NX-OS, Windows, Linux ...)."""

    name: str
    releases: tuple[ReleaseSpec, ...]


@dataclass(frozen=True)
class SoftwareTypeSpec:
    """A software type of Cisco's download site (IOS XE Software, NX-OS EPLD Updates ...)."""

    type_id: str
    name: str
    systems: tuple[OperatingSystemSpec, ...]


@dataclass(frozen=True)
class ProductSpec:
    """A PID: either sharing a named software type set or carrying its software types inline."""

    pid: str
    mdf_id: str
    concept: str
    software_type_set: str = ""
    software_types: tuple[SoftwareTypeSpec, ...] = ()


@dataclass(frozen=True)
class Family:
    """A product family: the software type sets it defines and the PIDs that use them."""

    key: str
    title: str
    software_type_sets: dict[str, tuple[SoftwareTypeSpec, ...]] = field(default_factory=dict)
    products: tuple[ProductSpec, ...] = ()


# --- names -------------------------------------------------------------------------------------------------

_DOTTED = re.compile(r"(\d+)\.(\d+)\.(\d+)([a-z]?)")
_PAREN = re.compile(r"(\d+)\.(\d+)\((\w+)\)(\w*)")


def xe_file(version: str) -> str:
    """IOS XE as file names write it: ``17.9.4a`` -> ``17.09.04a``."""
    match = _DOTTED.fullmatch(version)
    if not match:
        raise ValueError(f"not an IOS XE version: {version}")
    major, minor, rebuild, letter = match.groups()
    return f"{int(major):02d}.{int(minor):02d}.{int(rebuild):02d}{letter}"


def ios_file(version: str) -> str:
    """Classic IOS as file names write it: ``15.2(7)E10`` -> ``152-7.E10``, ``12.4(13a)`` -> ``124-13a``."""
    match = _PAREN.fullmatch(version)
    if not match:
        raise ValueError(f"not an IOS version: {version}")
    major, minor, release, train = match.groups()
    return f"{major}{minor}-{release}" + (f".{train}" if train else "")


def nxos_file(version: str) -> str:
    """NX-OS as file names write it: ``7.0(3)I7(9)`` -> ``7.0.3.I7.9``, ``10.3(5)M`` -> ``10.3.5.M``."""
    return re.sub(r"[()]+", ".", version).strip(".")


def asa_file(version: str) -> str:
    """ASA as file names write it: ``9.16(4)19`` -> ``9-16-4-19``."""
    return "-".join(re.findall(r"\d+", version))


def dashed(version: str) -> str:
    """Dots to dashes: AireOS ``8.10.185.0`` -> ``8-10-185-0``."""
    return version.replace(".", "-")


# --- sizes and URLs ----------------------------------------------------------------------------------------


def approx(base: int, key: str, spread: float = 0.03) -> int:
    """A size near ``base`` that looks measured, not typed: deterministic per ``key``, within +-spread."""
    fraction = int.from_bytes(hashlib.sha1(key.encode(), usedforsecurity=False).digest()[:4], "big") / 0xFFFFFFFF
    return int(base * (1 - spread + 2 * spread * fraction))


def mib(value: float) -> int:
    """Mebibytes to bytes."""
    return int(value * (1 << 20))


def security_advisory(advisory_id: str) -> str:
    """The public URL of a Cisco security advisory."""
    return CISCO_SA + advisory_id


def special_release(key: str) -> str:
    """A software-advisory or deferral notice page (Cisco publishes these as special-release pages)."""
    return (
        "https://software.cisco.com/download/specialrelease/"
        + hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()
    )


def release_notes(url: str, name: str = "Release Notes") -> Doc:
    """A release-notes document."""
    return Doc(name=name, type="Release Notes", url=url)


# --- release tables ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageKind:
    """One file that every release of a product line ships (the system image, its tar, its EPLD ...)."""

    name: Callable[[str], str]
    mib: float
    feature_set: str = ""
    description: str = ""
    crypto: bool = True
    related: bool = False
    min_dram: str = ""
    min_flash: str = ""
    docs: tuple[Doc, ...] = ()


@dataclass(frozen=True)
class Line:
    """A product line's files and documents, shared by the rows of its release table."""

    kinds: tuple[ImageKind, ...]
    field_notice: str
    notes: Callable[[str], str] | None = None


@dataclass(frozen=True)
class ReleaseRow:
    """One line of a release table; ``mib`` is the first kind's size (the others scale with it).

    ``psirt`` names a security advisory (id or URL) and flags the images; ``deferred_to`` makes the release
    DF with a deferral notice and a migration target; ``deleted`` is the date Cisco removed the images
    (their images say isDeleted "Y", and asking to download one is SW_NO_LONGER_AVL); ``only`` picks kinds by index.
    """

    version: str
    fcs: str
    mib: float = 0
    lifecycle: str = "MD"
    suggested: bool = False
    psirt: str = ""
    deferred_to: str = ""
    retire: str = ""
    deleted: str = ""
    advisory: bool = False
    cloud: bool = False
    restriction: str = ""
    entitlement: bool = False
    message: str = ""
    catalog_message: str = ""
    only: tuple[int, ...] | None = None


def _row_image(line: Line, index: int, row: ReleaseRow) -> ImageSpec:
    kind = line.kinds[index]
    name = kind.name(row.version)
    scale = row.mib / line.kinds[0].mib if row.mib else 1.0
    return ImageSpec(
        name=name,
        size=approx(mib(kind.mib * scale), name),
        feature_set=kind.feature_set,
        description=kind.description,
        min_dram=kind.min_dram,
        min_flash=kind.min_flash,
        crypto=kind.crypto,
        related=kind.related,
        entitlement=row.entitlement,
        psirt=bool(row.psirt),
        software_advisory=special_release("advisory/" + name) if row.advisory else "",
        deferral_notice=special_release("deferral/" + name) if row.deferred_to else "",
        deleted_date=row.deleted,
        docs=kind.docs,
        migration=Migration(row.deferred_to, row.retire) if row.deferred_to else None,
        restriction=row.restriction,
        delivery="cloud" if row.cloud else "default",
    )


def releases(line: Line, rows: Iterable[ReleaseRow]) -> tuple[ReleaseSpec, ...]:
    """The releases of a release table, newest last as written."""
    result = []
    for row in rows:
        indexes = row.only if row.only is not None else range(len(line.kinds))
        advisory = row.psirt if row.psirt.startswith("https://") or not row.psirt else security_advisory(row.psirt)
        message = row.message or (f"This release is deferred; upgrade to {row.deferred_to}." if row.deferred_to else "")
        result.append(
            ReleaseSpec(
                version=row.version,
                fcs=row.fcs,
                lifecycle="DF" if row.deferred_to else row.lifecycle,
                suggested=row.suggested,
                images=tuple(_row_image(line, i, row) for i in indexes),
                field_notice=line.field_notice,
                security_advisory=advisory,
                docs=(release_notes(line.notes(row.version)),) if line.notes else (),
                message=message,
                catalog_message=row.catalog_message,
            )
        )
    return tuple(result)


def patch_image(rels: tuple[ReleaseSpec, ...], name: str, **changes: Any) -> tuple[ReleaseSpec, ...]:
    """The releases with one image changed (the spec's samples fix some images' GUID, size or fields)."""
    found = [image for release in rels for image in release.images if image.name == name]
    if len(found) != 1:
        raise ValueError(f"{name}: expected exactly one image, found {len(found)}")
    return tuple(
        replace(release, images=tuple(replace(i, **changes) if i.name == name else i for i in release.images))
        for release in rels
    )


def one_type(type_id: str, name: str, system: str, rels: tuple[ReleaseSpec, ...]) -> SoftwareTypeSpec:
    """A software type with a single operating system."""
    return SoftwareTypeSpec(type_id=type_id, name=name, systems=(OperatingSystemSpec(system, rels),))


def products(set_name: str, rows: Iterable[tuple[str, str, str]]) -> tuple[ProductSpec, ...]:
    """Products sharing one software type set, from (pid, mdfId, mdfConceptName) rows."""
    return tuple(
        ProductSpec(pid=pid, mdf_id=mdf, concept=concept, software_type_set=set_name) for pid, mdf, concept in rows
    )


# --- JSON --------------------------------------------------------------------------------------------------


def image_guid(scope: str, name: str) -> str:
    """The deterministic GUID of an image: sha1 of its scope (set name or PID) and its file name."""
    return hashlib.sha1(f"{scope}/{name}".encode(), usedforsecurity=False).hexdigest().upper()


def _flag(value: bool) -> str:
    return "Y" if value else "N"


def image_json(image: ImageSpec, *, scope: str, fcs: str) -> dict[str, Any]:
    """An image as CATALOG.md writes it (md5/sha512 empty until filled)."""
    migration = image.migration
    return {
        "imageGuid": image.guid or image_guid(scope, image.name),
        "softwareAdvisory": image.software_advisory,
        "deferralNotice": image.deferral_notice,
        "isRelated": _flag(image.related),
        "name": image.name,
        "size": str(image.size),
        "imageDescription": image.description,
        "featureSetDescription": image.feature_set,
        "minDram": image.min_dram,
        "minFlash": image.min_flash,
        "encryptionSoftwareIndicator": _flag(image.crypto),
        "md5": "",
        "sha512": "",
        "docs": [doc.to_json() for doc in image.docs],
        "isDeleted": _flag(bool(image.deleted_date)),
        "deletedDate": image.deleted_date,
        "releaseDate": image.release_date or fcs,
        "migrationReleaseVersion": migration.version if migration else "",
        "migrationTargetRetirementDate": migration.retirement_date if migration else "",
        "migrationReleaseLifeCycle": migration.lifecycle if migration else "",
        "additionalEntitlement": _flag(image.entitlement),
        "psirtIndicator": _flag(image.psirt),
        "simDelivery": image.delivery,
        "simRestriction": image.restriction,
        "simExternalUrl": image.external_url,
    }


def release_json(release: ReleaseSpec, *, scope: str) -> dict[str, Any]:
    """A release as CATALOG.md writes it."""
    return {
        "version": release.version,
        "fcsDate": release.fcs,
        "message": release.message,
        "lifeCycle": release.lifecycle,
        "fieldNotice": release.field_notice,
        "securityAdvisory": release.security_advisory,
        "docs": [doc.to_json() for doc in release.docs],
        "isSuggested": _flag(release.suggested),
        "catalogMessage": release.catalog_message,
        "images": [image_json(image, scope=scope, fcs=release.fcs) for image in release.images],
    }


def software_type_json(software_type: SoftwareTypeSpec, *, scope: str) -> dict[str, Any]:
    """A software type with its operating systems and releases."""
    return {
        "softwareTypeId": software_type.type_id,
        "softwareTypeName": software_type.name,
        "operatingSystems": [
            {"name": system.name, "releases": [release_json(r, scope=scope) for r in system.releases]}
            for system in software_type.systems
        ],
    }


def product_json(product: ProductSpec) -> dict[str, Any]:
    """A product entry: a reference to a shared set, or its software types inline (scoped by PID)."""
    entry: dict[str, Any] = {"pid": product.pid, "mdfId": product.mdf_id, "mdfConceptName": product.concept}
    if product.software_type_set:
        entry["softwareTypeSet"] = product.software_type_set
    else:
        entry["softwareTypes"] = [software_type_json(st, scope=product.pid) for st in product.software_types]
    return entry


def family_json(family: Family) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """The family's ``softwareTypeSets`` entries and ``products``."""
    sets = {
        name: [software_type_json(st, scope=name) for st in types] for name, types in family.software_type_sets.items()
    }
    return sets, [product_json(product) for product in family.products]


# --- software types (id, name) as Cisco's download site numbers them ---------------------------------------

IOS_XE = ("282046477", "IOS XE Software")
IOS_XE_ROMMON = ("282046486", "IOS XE ROMMON Software")
IOS = ("280805680", "IOS Software")
NXOS = ("282088129", "NX-OS System Software")
NXOS_EPLD = ("282253564", "NX-OS EPLD Updates")
ASA = ("280775065", "Adaptive Security Appliance (ASA) Software")
ASDM = ("280775064", "Adaptive Security Appliance (ASA) Device Manager")
WLC = ("280926587", "Wireless LAN Controller Software")
IOS_XR = ("280867577", "IOS XR Software")
IOS_XR_SMU = ("280867580", "IOS XR Software Maintenance Upgrades (SMU)")
ANYCONNECT = ("282364313", "AnyConnect VPN Client Software")
ANALOG_FW = ("283724313", "Analog Firmware Loader")
