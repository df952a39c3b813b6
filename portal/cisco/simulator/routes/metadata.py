"""metadata/pidrelease, metadata/pidimage and metadata/images.

Readings of the spec taken here (the README's simulator section states them too):

* ``latest``: for each software type and operating system of the PID, the newest release (Cisco's version
  order, portal/cisco/versions.py) that still has an image not deleted; all of that release's images.
* ``above``: every release of the PID, of every software type and train, that orders after
  ``currentReleaseVersion``, newest first; deleted ones included (their images say ``isDeleted`` "Y").
* A specific release: the releases whose version equals it once normalised (``17.09.04a`` = ``17.9.4a``).
* "No data" is answered the same by both variants: a query that selects no record at all (nothing above,
  none of the named images belongs to the PID) or a ``pageIndex`` past the last page is ``404 NO_DATA_FOUND``;
  a PID the catalog does not know is ``400 NO_DATA_FOUND_FOR_PID``. Names that match nothing beside others
  that do are listed in ``invalidImages``.
* A ``metadataTransId`` is issued per answered page and covers the images of that page only:
  download/pidimage accepts the GUIDs that page returned.
* metadata/images issues no ``metadataTransId`` (its sample has none, and the spec says only the release and
  image variants generate one); it answers 200 with unknown names in ``invalidImages``.
"""

from __future__ import annotations

import math
from itertools import groupby
from typing import TYPE_CHECKING, Any

from portal.cisco.simulator.catalog import Product, Row
from portal.cisco.simulator.render import image_flat, nest
from portal.cisco.simulator.routes import inputs
from portal.cisco.simulator.wire import Request, Response, app_error, json_response
from portal.cisco.versions import Scheme, normalize, parse_version, version_key

if TYPE_CHECKING:
    from portal.cisco.simulator.app import Simulator

TITLE_PIDRELEASE = "Get Metadata by PID and Current / Output Release"
TITLE_PIDIMAGE = "Get Metadata by PID, Image names"
TITLE_IMAGES = "GET Software Status by Software Image Names"


def _product(sim: Simulator, pid: str) -> Product:
    product = sim.catalog.product(pid)
    if product is None:
        raise app_error("NO_DATA_FOUND_FOR_PID")
    return product


def _ordered(rows: list[Row]) -> list[Row]:
    """Newest release first within each software type and operating system (catalog order otherwise)."""
    out: list[Row] = []
    for _, group in groupby(rows, key=lambda r: (id(r.software_type), id(r.operating_system))):
        # sorted() is stable, so the images of one release keep their catalog order.
        out.extend(sorted(group, key=lambda r: version_key(r.release.version), reverse=True))
    return out


def _latest(rows: list[Row]) -> list[Row]:
    """The newest release of each software type and OS that still has an image not deleted."""
    out: list[Row] = []
    for _, group in groupby(rows, key=lambda r: (id(r.software_type), id(r.operating_system))):
        group_rows = list(group)
        live = [r for r in group_rows if str(r.image.fields.get("isDeleted", "N")).upper() != "Y"]
        if not live:
            continue
        newest = max((r.release for r in live), key=lambda rel: version_key(rel.version))
        out.extend(r for r in group_rows if r.release is newest)
    return out


def select_releases(rows: list[Row], current: str, output: str) -> list[Row]:
    """The records an outputReleaseVersion selects (latest | above | one release), newest first."""
    rows = _ordered(rows)
    choice = output.strip().lower()
    if choice == "latest":
        return _latest(rows)
    if choice == "above":
        floor = version_key(current)
        return [r for r in rows if version_key(r.release.version) > floor]
    wanted = normalize(output)
    chosen = [r for r in rows if normalize(r.release.version) == wanted]
    if not chosen and parse_version(output).scheme is Scheme.OTHER:
        raise app_error("OUTPUT_REL_INVALID", detail="outputReleaseVersion is latest, above or a release.")
    return chosen


def _page(rows: list[Row], page_index: int, per_page: int) -> tuple[list[Row], dict[str, int]]:
    last_index = max(1, math.ceil(len(rows) / per_page))
    if page_index > last_index:
        raise app_error("NO_DATA_FOUND", detail=f"pageIndex {page_index} is past the last page ({last_index}).")
    page = rows[(page_index - 1) * per_page : page_index * per_page]
    pagination = {
        "pageIndex": page_index,
        "lastIndex": last_index,
        "totalRecords": len(rows),
        "pageRecords": len(page),
    }
    return page, pagination


def _transaction(sim: Simulator, client_id: str, product: Product, page: list[Row]) -> str:
    guids = frozenset(r.image.guid for r in page)
    return sim.state.new_transaction(client_id, product.pid, guids, sim.clock.now()).trans_id


def pidrelease(sim: Simulator, request: Request, client_id: str) -> Response:
    """POST metadata/pidrelease: releases of a PID relative to its current release, paginated."""
    body = request.json()
    inputs.refuse_loose(sim.config.strict, "metadata/pidrelease", body)
    pid = inputs.pid(body)
    current = inputs.text(body, "currentReleaseVersion", "CUR_REL_MISSING")
    output = inputs.text(body, "outputReleaseVersion", "OUT_REL_MISSING")
    page_index, per_page = inputs.paging(body)
    product = _product(sim, pid)
    rows = select_releases(sim.catalog.rows(product), current, output)
    if not rows:
        raise app_error("NO_DATA_FOUND", detail="No release matches the outputReleaseVersion asked for.")
    page, pagination = _page(rows, page_index, per_page)
    payload: dict[str, Any] = {
        "pagination": pagination,
        "selfLink": request.self_link(),
        "title": TITLE_PIDRELEASE,
        "metadataTransId": _transaction(sim, client_id, product, page),
        "metadata": nest(sim.catalog, page),
    }
    return json_response(200, payload)


def pidimage(sim: Simulator, request: Request, client_id: str) -> Response:
    """POST metadata/pidimage: the releases holding 1 to 5 named images of a PID, paginated."""
    body = request.json()
    inputs.refuse_loose(sim.config.strict, "metadata/pidimage", body)
    pid = inputs.pid(body)
    names = inputs.names(body, "imageNames", "IMG_NM_MISSING", "IMG_NM_INVALID")
    page_index, per_page = inputs.paging(body)
    product = _product(sim, pid)
    wanted = set(names)
    rows = _ordered([r for r in sim.catalog.rows(product) if r.image.name in wanted])
    if not rows:  # as pidrelease: a valid question with no record in the answer
        raise app_error("NO_DATA_FOUND", detail="None of the imageNames is an image of this PID.")
    found = {r.image.name for r in rows}
    page, pagination = _page(rows, page_index, per_page)
    payload: dict[str, Any] = {
        "pagination": pagination,
        "selfLink": request.self_link(),
        "title": TITLE_PIDIMAGE,
        "metadataTransId": _transaction(sim, client_id, product, page),
        "invalidImages": [n for n in names if n not in found],
        "metadata": nest(sim.catalog, page),
    }
    return json_response(200, payload)


def images(sim: Simulator, request: Request, client_id: str) -> Response:
    """POST metadata/images: the status of 1 to 5 images by name, flat, across all products."""
    body = request.json()
    inputs.refuse_loose(sim.config.strict, "metadata/images", body)
    names = inputs.names(body, "imageNames", "IMG_NM_MISSING", "IMG_NM_INVALID")
    metadata: list[dict[str, Any]] = []
    invalid: list[str] = []
    for name in names:
        matches = sim.catalog.images_by_name.get(name)
        if not matches:
            invalid.append(name)
        for image in matches or ():
            metadata.append(image_flat(sim.catalog, image, sim.catalog.places[image.guid]))
    payload = {"selfLink": request.self_link(), "title": TITLE_IMAGES, "invalidImages": invalid, "metadata": metadata}
    return json_response(200, payload)
