"""Build simulator catalogs (format v1, see CATALOG.md): the default one, synthetic ones, and their digests.

* :func:`build_default` assembles the families of :mod:`portal.cisco.simulator.families` (digests empty);
* :func:`generate` makes a synthetic catalog of N PIDs for benchmarks and tests;
* :func:`fill_digests` computes md5/sha512 of the simulator's bytes, reusing a previous catalog's values;
* :func:`write` saves a catalog as JSON.

``python -m portal.cisco.simulator.catalog_build [--out FILE]`` rebuilds ``data/catalog.json`` (or FILE),
reusing the digests already in that file for images whose GUID and size did not change.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.cisco.simulator.content import ImageBytes
from portal.cisco.simulator.families import FAMILIES
from portal.cisco.simulator.families.base import (
    ANYCONNECT,
    IOS,
    IOS_XE,
    NXOS,
    Family,
    ImageKind,
    Line,
    OperatingSystemSpec,
    ReleaseRow,
    SoftwareTypeSpec,
    family_json,
    ios_file,
    nxos_file,
    one_type,
    products,
    releases,
    xe_file,
)

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "catalog.json"
FORMAT = 1


def _client_name(model: int | str, ext: str) -> Callable[[str], str]:
    """The file name of a Secure Client image of ``model`` with extension ``ext``, per version."""
    return lambda version: f"client{model}-{version}-predeploy-k9.{ext}"


def assemble(families: tuple[Family, ...] | list[Family]) -> dict[str, Any]:
    """A catalog document from family definitions (set names must not repeat across families)."""
    sets: dict[str, list[dict[str, Any]]] = {}
    entries: list[dict[str, Any]] = []
    for family in families:
        family_sets, family_products = family_json(family)
        clash = sets.keys() & family_sets.keys()
        if clash:
            raise ValueError(f"family {family.key} redefines software type sets {sorted(clash)}")
        sets.update(family_sets)
        entries.extend(family_products)
    return {"format": FORMAT, "softwareTypeSets": sets, "products": entries}


def build_default() -> dict[str, Any]:
    """The default catalog from the family modules, with md5/sha512 left empty."""
    return assemble(FAMILIES)


def iter_images(catalog: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every image object of a catalog, in shared sets and in inline software types (mutable, in place)."""
    groups = list(catalog.get("softwareTypeSets", {}).values())
    groups += [product["softwareTypes"] for product in catalog.get("products", []) if "softwareTypes" in product]
    for software_types in groups:
        for software_type in software_types:
            for system in software_type.get("operatingSystems", []):
                for release in system.get("releases", []):
                    yield from release.get("images", [])


# --- digests -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestProgress:
    """Where a :func:`fill_digests` run is, for a progress line."""

    images_done: int
    images_total: int
    bytes_done: int
    bytes_total: int
    seconds: float


@dataclass(frozen=True)
class DigestStats:
    """What a :func:`fill_digests` run did."""

    hashed: int
    reused: int
    bytes_hashed: int
    seconds: float


def _known_digests(previous: dict[str, Any] | None) -> dict[tuple[str, str], tuple[str, str]]:
    known: dict[tuple[str, str], tuple[str, str]] = {}
    for image in iter_images(previous or {}):
        md5, sha512 = image.get("md5", ""), image.get("sha512", "")
        if len(md5) == 32 and len(sha512) == 128:
            known[(image.get("imageGuid", ""), str(image.get("size", "")))] = (md5, sha512)
    return known


def fill_digests(
    catalog: dict[str, Any],
    *,
    previous: dict[str, Any] | None,
    progress: Callable[[DigestProgress], None] | None = None,
) -> DigestStats:
    """Set md5/sha512 of every image to the digests of its simulator bytes (``ImageBytes(guid, size)``).

    Digests of ``previous`` are reused where an image's GUID and size are unchanged, so a rebuild only hashes
    what is new; everything else is hashed (md5 and sha512 in two threads, i.e. both cores).
    """
    known = _known_digests(previous)
    todo: list[dict[str, Any]] = []
    reused = 0
    for image in iter_images(catalog):
        key = (image["imageGuid"], str(image["size"]))
        if key in known:
            image["md5"], image["sha512"] = known[key]
            reused += 1
        else:
            todo.append(image)
    start = time.monotonic()
    total_bytes = sum(int(image["size"]) for image in todo)
    done_bytes = hashed = 0
    for index, image in enumerate(todo, 1):
        key = (image["imageGuid"], str(image["size"]))
        if key not in known:  # the same image may appear twice; hash it once
            known[key] = ImageBytes(image["imageGuid"], int(image["size"])).digests()
            hashed += 1
            done_bytes += int(image["size"])
        image["md5"], image["sha512"] = known[key]
        if progress:
            progress(DigestProgress(index, len(todo), done_bytes, total_bytes, time.monotonic() - start))
    return DigestStats(hashed=hashed, reused=reused, bytes_hashed=done_bytes, seconds=time.monotonic() - start)


def write(catalog: dict[str, Any], path: str | Path) -> None:
    """Save the catalog as indented UTF-8 JSON, atomically (a reader never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        os.chmod(temp, 0o644)  # mkstemp makes the file private; a catalog is meant to be read by others
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(catalog, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# --- synthetic catalogs ------------------------------------------------------------------------------------

_SUFFIXES = ("T", "P", "U", "UX", "FP", "LP")
_NEXUS_SUFFIXES = ("YC-FX", "TC-EX", "C-GX", "YC-FX3", "LC-H", "TC-FX")
_LIFECYCLE_WEIGHTS = (("MD", 70), ("ED", 20), ("LD", 6), ("GD", 4))
_RESTRICTIONS = ("CONTRACT_IMG_REQ", "LOGIN_REQD", "IMG_CONTRACT_REQD", "CONTRACT_LOGIN")


def _dates(rng: random.Random, count: int) -> list[str]:
    day = 16_800 + rng.randrange(400)  # days since 1970: early 2016
    result = []
    for _ in range(count):
        day += rng.randint(20, 110)
        result.append(time.strftime("%Y-%m-%d", time.gmtime(day * 86_400)))
    return result


def _unique_sorted(rng: random.Random, make: Callable[[], tuple], count: int) -> list[tuple]:
    values: set[tuple] = set()
    for _ in range(count * 4):
        if len(values) == count:
            break
        values.add(make())
    return sorted(values)


def _xe_versions(rng: random.Random, count: int) -> list[str]:
    trains = ((16, 12), (17, 3), (17, 6), (17, 9), (17, 12), (17, 15))
    keys = _unique_sorted(rng, lambda: (*rng.choice(trains), rng.randint(1, 12), rng.choice("aa" + "-" * 10)), count)
    return [f"{a}.{b}.{c}{'' if d == '-' else d}" for a, b, c, d in keys]


def _ios_versions(rng: random.Random, count: int) -> list[str]:
    keys = _unique_sorted(rng, lambda: (rng.randint(2, 7), rng.randint(0, 12)), count)
    return [f"15.2({a})E{b or ''}" for a, b in keys]


def _nxos_versions(rng: random.Random, count: int) -> list[str]:
    keys = _unique_sorted(rng, lambda: rng.choice(((9, 3), (10, 2), (10, 3), (10, 4))) + (rng.randint(1, 14),), count)
    return [f"{a}.{b}({c})" + ("M" if a >= 10 else "") for a, b, c in keys]


def _client_versions(rng: random.Random, count: int) -> list[str]:
    keys = _unique_sorted(rng, lambda: (rng.choice((4, 5)), rng.randint(0, 10), rng.randint(1, 9999)), count)
    return [f"{a}.{b}.{c:05d}" for a, b, c in keys]


def _rows(rng: random.Random, versions: list[str], mib: float) -> tuple[ReleaseRow, ...]:
    rows = []
    labels = [label for label, _ in _LIFECYCLE_WEIGHTS]
    weights = [weight for _, weight in _LIFECYCLE_WEIGHTS]
    for index, (version, fcs) in enumerate(zip(versions, _dates(rng, len(versions)), strict=True)):
        deferred = rng.random() < 0.05 and index + 1 < len(versions)
        rows.append(
            ReleaseRow(
                version,
                fcs,
                mib * (0.8 + 0.4 * index / max(1, len(versions))) * rng.uniform(0.97, 1.03),
                lifecycle=rng.choices(labels, weights)[0],
                suggested=index >= len(versions) - 2 and rng.random() < 0.7,
                psirt="cisco-sa-synthetic-" + version if rng.random() < 0.1 else "",
                deferred_to=versions[index + 1] if deferred else "",
                deleted=fcs if deferred and rng.random() < 0.5 else "",
                advisory=rng.random() < 0.05,
                cloud=rng.random() < 0.3,
                restriction=rng.choice(_RESTRICTIONS) if rng.random() < 0.05 else "",
            )
        )
    return tuple(rows)


def _synthetic_family(rng: random.Random, index: int, first_pid: int, count: int, seed: int) -> Family:
    style = ("iosxe", "ios", "nxos", "client")[index % 4]
    model = 1000 + index
    set_name = f"synthetic-{seed}-{index:05d}-{style}"
    n_releases = rng.randint(6, 24)
    notice = f"https://www.cisco.com/c/en/us/support/synthetic/{model}/products-field-notices-list.html"
    if style == "iosxe":
        line = Line((ImageKind(lambda v: f"c{model}_iosxe.{xe_file(v)}.SPA.bin", 600, "UNIVERSAL"),), notice)
        types = (one_type(*IOS_XE, "IOS XE", releases(line, _rows(rng, _xe_versions(rng, n_releases), 600))),)
        pid, concept = f"C{model}-{{ports}}{{suffix}}", f"Catalyst {model} {{ports}}-port Switch"
    elif style == "ios":
        kinds = (
            ImageKind(lambda v: f"c{model}-universalk9-mz.{ios_file(v)}.bin", 24, "UNIVERSAL"),
            ImageKind(lambda v: f"c{model}-universalk9-tar.{ios_file(v)}.tar", 36, "UNIVERSAL WEB", related=True),
        )
        types = (one_type(*IOS, "IOS", releases(Line(kinds, notice), _rows(rng, _ios_versions(rng, n_releases), 24))),)
        pid, concept = f"WS-C{model}-{{ports}}{{suffix}}-L", f"Catalyst {model}-{{ports}}{{suffix}}-L Switch"
    elif style == "nxos":
        kinds = (
            ImageKind(lambda v: f"nxos.{model}.{nxos_file(v)}.bin", 1000, description="NX-OS system image"),
            ImageKind(lambda v: f"n{model}-epld.{nxos_file(v)}.img", 150, description="EPLD image", crypto=False),
        )
        rels = releases(Line(kinds, notice), _rows(rng, _nxos_versions(rng, n_releases), 1000))
        types = (one_type(*NXOS, "NX-OS", rels),)
        pid, concept = f"N9K-C{model}-{{ports}}{{suffix}}", f"Nexus {model}-{{ports}}{{suffix}} Switch"
    else:
        systems = []
        for system, ext in (("Windows", "msi"), ("Linux", "tar.gz")):
            kind = ImageKind(_client_name(model, ext), 40, description=system)
            rows = _rows(rng, _client_versions(rng, n_releases), 40)
            systems.append(OperatingSystemSpec(system, releases(Line((kind,), notice), rows)))
        types = (SoftwareTypeSpec(ANYCONNECT[0], ANYCONNECT[1], tuple(systems)),)
        pid, concept = f"L-C{model}-{{ports}}{{suffix}}-LIC=", f"Client {model} License ({{ports}} users)"
    suffixes = _NEXUS_SUFFIXES if style == "nxos" else _SUFFIXES
    combos = [(ports, suffix) for ports in (12, 24, 48) for suffix in suffixes]
    rng.shuffle(combos)
    pids = [
        (
            pid.format(ports=ports, suffix=suffix),
            str(286_400_000 + 7 * (first_pid + i)),
            concept.format(ports=ports, suffix=suffix),
        )
        for i, (ports, suffix) in enumerate(combos[:count])
    ]
    return Family(
        key=set_name,
        title=f"Synthetic {style} {model}",
        software_type_sets={set_name: types},
        products=products(set_name, pids),
    )


def generate(n_pids: int, *, seed: int = 0, image_size: int | None = None) -> dict[str, Any]:
    """A synthetic, realistic-looking catalog of ``n_pids`` PIDs (groups of 4-16 share a software type set).

    Deterministic for a seed. ``image_size`` replaces every image's size (cheap digests for tests and
    benchmarks). Digests are left empty: call :func:`fill_digests`, or let the simulator compute them lazily.
    """
    if n_pids < 0:
        raise ValueError("n_pids must not be negative")
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    families: list[Family] = []
    made = 0
    while made < n_pids:
        count = min(n_pids - made, rng.randint(4, 16))
        families.append(_synthetic_family(rng, len(families), made, count, seed))
        made += count
    catalog = assemble(families)
    if image_size is not None:
        for image in iter_images(catalog):
            image["size"] = str(image_size)
    return catalog


# --- command line ------------------------------------------------------------------------------------------


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


class _ProgressLine:
    """A one-line progress report on stderr, redrawn at most once a second."""

    def __init__(self) -> None:
        self.last = 0.0

    def __call__(self, state: DigestProgress) -> None:
        now = time.monotonic()
        if now - self.last < 1 and state.images_done < state.images_total:
            return
        self.last = now
        rate = state.bytes_done / state.seconds if state.seconds else 0.0
        eta = (state.bytes_total - state.bytes_done) / rate if rate else 0.0
        sys.stderr.write(
            f"\rhashing {state.images_done}/{state.images_total} images, "
            f"{state.bytes_done / 1e9:.1f}/{state.bytes_total / 1e9:.1f} GB, {rate / 1e6:.0f} MB/s, eta {eta:.0f} s  "
        )
        sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    """Rebuild a catalog file from the families, reusing the digests already in it."""
    parser = argparse.ArgumentParser(prog="python -m portal.cisco.simulator.catalog_build", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH, help="catalog file to write (default: %(default)s)")
    parser.add_argument("--previous", type=Path, help="catalog whose digests to reuse (default: --out)")
    args = parser.parse_args(argv)
    catalog = build_default()
    previous = _read_json(args.previous or args.out)
    stats = fill_digests(catalog, previous=previous, progress=_ProgressLine())
    write(catalog, args.out)
    images = list(iter_images(catalog))
    sys.stderr.write(
        f"\nwrote {args.out}: {len(catalog['products'])} products, {len(images)} images, "
        f"{sum(int(i['size']) for i in images) / 1e9:.2f} GB; hashed {stats.hashed} images "
        f"({stats.bytes_hashed / 1e9:.2f} GB) in {stats.seconds:.0f} s, reused {stats.reused}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
