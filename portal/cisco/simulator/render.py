"""Catalog objects as the spec's samples put them on the wire (key order, nesting and value types).

The nested shape (metadata/pidrelease, metadata/pidimage) carries every value as a string, as the samples do
(``"size": "1048197"``, ``"mdfId": "277873116"``); the flat shape of metadata/images uses integers for
``softwareTypeId`` and ``imageSize`` and leaves out fields that do not apply, as its sample does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from portal.cisco.simulator.catalog import Catalog, Image, ImagePlace, Release, Row
from portal.cisco.simulator.wire import image_exception

# Keys in the order of the spec's samples.
RELEASE_KEYS = (
    "version",
    "fcsDate",
    "message",
    "lifeCycle",
    "fieldNotice",
    "securityAdvisory",
    "docs",
    "isSuggested",
    "catalogMessage",
)
IMAGE_KEYS = (
    "imageGuid",
    "softwareAdvisory",
    "deferralNotice",
    "isRelated",
    "name",
    "size",
    "imageDescription",
    "featureSetDescription",
    "minDram",
    "minFlash",
    "encryptionSoftwareIndicator",
    "md5",
    "sha512",
    "docs",
    "isDeleted",
    "deletedDate",
    "releaseDate",
    "exception",
    "migrationReleaseVersion",
    "migrationTargetRetirementDate",
    "migrationReleaseLifeCycle",
    "additionalEntitlement",
    "psirtIndicator",
)
_FLAG_DEFAULTS = {"isRelated": "N", "encryptionSoftwareIndicator": "N", "isDeleted": "N", "isSuggested": "N"}
_FLAG_DEFAULTS |= {"additionalEntitlement": "N", "psirtIndicator": "N"}


def _text(fields: Mapping[str, Any], key: str) -> str:
    value = fields.get(key)
    if value is None or value == "":
        return _FLAG_DEFAULTS.get(key, "")
    return str(value)


def _docs(fields: Mapping[str, Any]) -> list[dict[str, str]]:
    docs = fields.get("docs") or []
    return [{str(k): str(v) for k, v in doc.items()} for doc in docs if isinstance(doc, Mapping)]


def metadata_exceptions(image: Image) -> list[dict[str, str]]:
    """The ``exception`` list of an image in metadata answers: its catalog restriction, if any.

    A deleted image has none: ``isDeleted`` "Y" says it (as in the spec's metadata/images sample), and asking
    to download it is the request error SW_NO_LONGER_AVL.
    """
    return [image_exception(image.restriction)] if image.restriction and not image.deleted else []


def image_nested(catalog: Catalog, image: Image) -> dict[str, Any]:
    """An image in the nested metadata shape."""
    md5, sha512 = catalog.digests(image)
    out: dict[str, Any] = {}
    for key in IMAGE_KEYS:
        if key == "docs":
            out[key] = _docs(image.fields)
        elif key == "exception":
            out[key] = metadata_exceptions(image)
        elif key == "md5":
            out[key] = md5
        elif key == "sha512":
            out[key] = sha512
        elif key == "size":
            out[key] = str(image.size)
        else:
            out[key] = _text(image.fields, key)
    return out


def release_nested(release: Release, images: list[dict[str, Any]]) -> dict[str, Any]:
    """A release in the nested metadata shape, with the given rendered images."""
    out: dict[str, Any] = {
        key: _docs(release.fields) if key == "docs" else _text(release.fields, key) for key in RELEASE_KEYS
    }
    out["images"] = images
    return out


def nest(catalog: Catalog, rows: Iterable[Row]) -> list[dict[str, Any]]:
    """Group consecutive records back into the spec's pid/products/softwareTypes/operatingSystems/releases tree."""
    metadata: list[dict[str, Any]] = []
    last: tuple[Any, ...] = (None,) * 5
    for row in rows:
        product, stype, osys, release = row.product, row.software_type, row.operating_system, row.release
        if product is not last[0]:
            product_out = {"mdfId": product.mdf_id, "mdfConceptName": product.mdf_concept_name, "softwareTypes": []}
            metadata.append({"pid": product.pid, "products": [product_out]})
            last = (product, None, None, None, None)
        if stype is not last[1]:
            stype_out = {"softwareTypeId": stype.type_id, "softwareTypeName": stype.name, "operatingSystems": []}
            metadata[-1]["products"][0]["softwareTypes"].append(stype_out)
            last = (product, stype, None, None, None)
        if osys is not last[2]:
            os_out = {"name": osys.name, "releases": []}
            metadata[-1]["products"][0]["softwareTypes"][-1]["operatingSystems"].append(os_out)
            last = (product, stype, osys, None, None)
        if release is not last[3]:
            release_out = release_nested(release, [])
            metadata[-1]["products"][0]["softwareTypes"][-1]["operatingSystems"][-1]["releases"].append(release_out)
            last = (product, stype, osys, release, None)
        releases = metadata[-1]["products"][0]["softwareTypes"][-1]["operatingSystems"][-1]["releases"]
        releases[-1]["images"].append(image_nested(catalog, row.image))
    return metadata


def _int_or_text(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def image_flat(catalog: Catalog, image: Image, place: ImagePlace) -> dict[str, Any]:
    """An image in the flat shape of metadata/images."""
    fields = image.fields
    md5, sha512 = catalog.digests(image)
    out: dict[str, Any] = {
        "imageName": image.name,
        "softwareTypeId": _int_or_text(place.software_type.type_id),
        "softwareTypeName": place.software_type.name,
        "isDeleted": _text(fields, "isDeleted"),
    }
    if out["isDeleted"] == "Y":
        out["deletedDate"] = _text(fields, "deletedDate")
    out["releaseFcsDate"] = _text(place.release.fields, "fcsDate") or _text(fields, "releaseDate")
    feature_set = _text(fields, "featureSetDescription")
    description = _text(fields, "imageDescription")
    # IOS images carry a feature set, others a description (the spec's notes); never neither.
    if description or not feature_set:
        out["imageDescription"] = description
    if feature_set:
        out["featureSetDescription"] = feature_set
    for key in ("minDram", "minFlash"):
        if _text(fields, key):
            out[key] = _text(fields, key)
    out["imageSize"] = image.size
    out["md5"] = md5
    out["sha512"] = sha512
    out["encryptionSoftwareIndicator"] = _text(fields, "encryptionSoftwareIndicator")
    if docs := _docs(fields):
        out["imageDocs"] = docs
    out["exception"] = metadata_exceptions(image)
    return out
