"""A simulator catalog from answers captured from Cisco's API, so a lab can mirror its own fleet.

Input: what ``metadata/pidrelease`` or ``metadata/pidimage`` answered, exactly as received (one answer per file,
or a JSON list of answers). Output: a format-1 catalog (CATALOG.md) holding every PID, software type, operating
system, release and image the answers name, merged: a PID seen in several answers is one product, a release
one release, an image (by ``imageGuid``) one image.

* Per-image exceptions become the image's ``simRestriction`` when they refuse a download for any client
  (contract, login, export: the first such code); form codes depend on who asks and advisories on the image's
  own fields, so the simulator derives those itself and they are dropped here.
* The simulator serves bytes of its own making (content.py), so an image's published ``md5``/``sha512`` would
  not match what it serves: they are emptied (the simulator computes them from its bytes, or
  :func:`~portal.cisco.simulator.catalog_build.fill_digests` does once) unless ``keep_digests`` asks to keep
  Cisco's values for a metadata-only lab. ``image_size`` replaces every size, to keep downloads and digests
  cheap.
* ``metadata/images`` answers name no PID and cannot be placed: they are refused.

``python -m portal.cisco.simulator --catalog ANSWER.json`` also loads a capture directly (digests computed when
first asked); ``python -m portal.cisco.simulator.capture ANSWER.json ... --out FILE`` writes the merged catalog.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from portal.cisco.errors import ErrorKind, ImageOutcome, error_code, image_outcome

FORMAT = 1
DESCRIPTION = "Merge metadata answers captured from Cisco's ASD API into a simulator catalog."


class CaptureError(ValueError):
    """The input is not a captured metadata/pidrelease or metadata/pidimage answer."""


def is_capture(data: Any) -> bool:
    """Whether a decoded JSON document looks like captured API answers rather than a format-1 catalog."""
    answers = data if isinstance(data, list) else [data]
    return bool(answers) and all(isinstance(a, Mapping) and "metadata" in a and "format" not in a for a in answers)


def _restriction(exceptions: Any) -> str:
    for item in exceptions if isinstance(exceptions, list) else ():
        code = str(item.get("code", "")) if isinstance(item, Mapping) else ""
        known = error_code(code)
        if known is not None and known.kind is ErrorKind.IMAGE and image_outcome(code) is ImageOutcome.BLOCKED:
            return code
    return ""


def _image(raw: Mapping[str, Any], *, keep_digests: bool, image_size: int | None) -> dict[str, Any]:
    image = {key: value for key, value in raw.items() if key != "exception"}
    image["imageGuid"] = str(raw.get("imageGuid", "")).upper()
    if image_size is not None:
        image["size"] = str(image_size)
    if not keep_digests or image_size is not None:
        image["md5"], image["sha512"] = "", ""
    image.update(simDelivery="default", simRestriction=_restriction(raw.get("exception")), simExternalUrl="")
    return image


def _by(items: list[dict[str, Any]], key: str, new: dict[str, Any]) -> dict[str, Any]:
    """The item of ``items`` whose ``key`` equals ``new[key]``, or ``new`` once appended."""
    for item in items:
        if item.get(key) == new[key]:
            return item
    items.append(new)
    return new


def _answers(data: Any, source: str) -> list[Mapping[str, Any]]:
    answers = data if isinstance(data, list) else [data]
    for index, answer in enumerate(answers):
        if not isinstance(answer, Mapping) or not isinstance(answer.get("metadata"), list):
            raise CaptureError(f"{source}: answer #{index + 1} is not a metadata answer (no metadata list)")
        if any(isinstance(entry, Mapping) and "imageName" in entry for entry in answer["metadata"]):
            raise CaptureError(f"{source}: a metadata/images answer names no PID; capture pidrelease or pidimage")
    return answers


def catalog_from_answers(
    documents: Iterable[tuple[str, Any]], *, keep_digests: bool = False, image_size: int | None = None
) -> dict[str, Any]:
    """One format-1 catalog from ``(source name, decoded JSON)`` pairs of captured answers."""
    products: list[dict[str, Any]] = []
    for source, data in documents:
        for answer in _answers(data, source):
            for entry in answer["metadata"]:
                pid = str(entry.get("pid", "")).strip()
                for product in entry.get("products") or ():
                    new = {
                        "pid": pid,
                        "mdfId": str(product.get("mdfId", "")),
                        "mdfConceptName": str(product.get("mdfConceptName", "")),
                        "softwareTypes": [],
                    }
                    types = _by(products, "pid", new)["softwareTypes"]
                    _merge_types(types, product.get("softwareTypes") or (), keep_digests, image_size)
    return {"format": FORMAT, "softwareTypeSets": {}, "products": products}


def _merge_types(
    into: list[dict[str, Any]], types: Iterable[Mapping[str, Any]], keep_digests: bool, image_size: int | None
) -> None:
    for stype in types:
        new_type = {
            "softwareTypeId": str(stype.get("softwareTypeId", "")),
            "softwareTypeName": str(stype.get("softwareTypeName", "")),
            "operatingSystems": [],
        }
        systems = _by(into, "softwareTypeId", new_type)["operatingSystems"]
        for system in stype.get("operatingSystems") or ():
            releases = _by(systems, "name", {"name": str(system.get("name", "")), "releases": []})["releases"]
            for release in system.get("releases") or ():
                fields = {key: value for key, value in release.items() if key != "images"}
                new_release = {**fields, "version": str(fields.get("version", "")), "images": []}
                images = _by(releases, "version", new_release)["images"]
                for raw in release.get("images") or ():
                    image = _image(raw, keep_digests=keep_digests, image_size=image_size)
                    if all(known["imageGuid"] != image["imageGuid"] for known in images):
                        images.append(image)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m portal.cisco.simulator.capture ANSWER.json ... --out FILE``."""
    from portal.cisco.simulator import catalog_build  # noqa: PLC0415 - only this command writes files

    parser = argparse.ArgumentParser(prog="python -m portal.cisco.simulator.capture", description=DESCRIPTION)
    parser.add_argument("answers", nargs="+", type=Path, help="captured pidrelease/pidimage answers (JSON)")
    parser.add_argument("--out", type=Path, required=True, help="catalog file to write")
    parser.add_argument("--image-size", type=int, help="give every image this size (cheap bytes and digests)")
    parser.add_argument("--keep-digests", action="store_true", help="keep Cisco's md5/sha512 (downloads won't verify)")
    parser.add_argument("--fill-digests", action="store_true", help="compute the digests of the simulator's bytes now")
    args = parser.parse_args(argv)
    try:
        documents = [(str(path), json.loads(path.read_text(encoding="utf-8"))) for path in args.answers]
        catalog = catalog_from_answers(documents, keep_digests=args.keep_digests, image_size=args.image_size)
    except (OSError, ValueError) as exc:
        print(f"capture: {exc}", file=sys.stderr)
        return 2
    if args.fill_digests and not args.keep_digests:
        catalog_build.fill_digests(catalog, previous=None)
    catalog_build.write(catalog, args.out)
    images = list(catalog_build.iter_images(catalog))
    print(f"wrote {args.out}: {len(catalog['products'])} PIDs, {len(images)} images")
    return 0


if __name__ == "__main__":
    sys.exit(main())
