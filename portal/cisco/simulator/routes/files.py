"""The download side: sessionalized URLs, their redirects, and the image bytes with Range support.

* Default URL: ``GET /pcgi-bin/swdld/download.cgi?dwnld_code=<code>&access_token=<API token of the same
  client>`` -> 302 to ``/dl/<file code>/<image name>``.
* Cloud URL: ``POST /files/swc/sec/<code>/<image name>?ip=...&__gda__=<signature>`` with the form field
  ``X-Authentication-Control=<token>`` (application/x-www-form-urlencoded; the token holds characters that only
  survive when form-encoded) -> 302 to ``/edge/<file code>/<name>`` -> 302 to ``/dl/<file code>/<name>``.
  Other query parameters (an ``access_token`` a client appended) are ignored.
* When the catalog names ``simExternalUrl`` for the image, the last redirect points there instead of ``/dl/``.
* ``/dl/`` (GET, HEAD, or POST as a client repeating the POST after a redirect) serves the bytes: 200, or 206
  with Content-Range for a single satisfiable ``Range``, 416 with ``Content-Range: bytes */size`` past the end.

Every URL expires 60 minutes (simulator clock) after download/pidimage issued it. A refused download answers
403 with the generic error body: ``Not Authorized`` for a missing/invalid/foreign access token (401 behind
``--gateway modern``), ``Forbidden`` (with a ``detail``) for an unknown or expired URL or a wrong cloud token.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote

from portal.cisco.errors import FORBIDDEN
from portal.cisco.simulator.catalog import Image
from portal.cisco.simulator.state import Grant
from portal.cisco.simulator.wire import Request, Response, gateway_error

if TYPE_CHECKING:
    from portal.cisco.simulator.app import Simulator

_RANGE_RE = re.compile(r"bytes=(\d*)-(\d*)")


def _first(values: Mapping[str, list[str]], key: str) -> str:
    found = values.get(key)
    return found[0] if found else ""


def _live(sim: Simulator, grant: Grant | None, delivery: str | None = None) -> tuple[Grant, Image]:
    if grant is None or (delivery is not None and grant.delivery != delivery):
        raise gateway_error(403, FORBIDDEN, detail="Unknown download URL.")
    if grant.expired(sim.clock.now()):
        raise gateway_error(403, FORBIDDEN, detail="The download URL has expired; ask download/pidimage again.")
    return grant, sim.catalog.images_by_guid[grant.guid]


def _redirect(location: str, client_id: str) -> Response:
    return Response(302, [("Location", location), ("Cache-Control", "no-store")], client_id=client_id)


def _final_location(request: Request, grant: Grant, image: Image) -> str:
    return image.external_url or f"{request.base_url}/dl/{grant.file_code}/{quote(image.name)}"


def default_download(sim: Simulator, request: Request, path_args: dict[str, str]) -> Response:
    """download.cgi: check the code and the appended access token, then redirect to the bytes."""
    grant, image = _live(sim, sim.state.grant(_first(request.query, "dwnld_code")), "default")
    token = _first(request.query, "access_token")
    owner = sim.auth.check(token, sim.clock.now()) if token else None
    if owner is None or owner != grant.client_id:
        raise sim.token_refusal("Append &access_token=<your API access token> to the URL.")
    return _redirect(_final_location(request, grant, image), grant.client_id)


def cloud_download(sim: Simulator, request: Request, path_args: dict[str, str]) -> Response:
    """The cloud URL: the token must come as the form field X-Authentication-Control of a POST."""
    grant, image = _live(sim, sim.state.grant(path_args["code"]), "cloud")
    if path_args["name"] != quote(image.name) and path_args["name"] != image.name:
        raise gateway_error(404, "API_UNAVAILABLE")
    if _first(request.query, "__gda__") != grant.signature:
        raise gateway_error(403, FORBIDDEN, detail="Missing or wrong __gda__: use the URL as given.")
    if request.method != "POST":
        raise gateway_error(403, FORBIDDEN, detail="POST the token as the form field X-Authentication-Control.")
    if request.media_type() != "application/x-www-form-urlencoded":
        raise gateway_error(415, "INVALID_MEDIATYPE", detail="Send application/x-www-form-urlencoded.")
    form = parse_qs(request.body.decode("latin-1"), keep_blank_values=True)
    if _first(form, "X-Authentication-Control") != grant.cloud_token:
        raise gateway_error(403, FORBIDDEN, detail="Wrong or missing X-Authentication-Control token.")
    return _redirect(f"{request.base_url}/edge/{grant.file_code}/{quote(image.name)}", grant.client_id)


def _file_grant(sim: Simulator, path_args: dict[str, str]) -> tuple[Grant, Image]:
    grant, image = _live(sim, sim.state.file_grant(path_args["code"]))
    if path_args["name"] not in (image.name, quote(image.name)):
        raise gateway_error(404, "API_UNAVAILABLE")
    return grant, image


def edge(sim: Simulator, request: Request, path_args: dict[str, str]) -> Response:
    """An intermediate hop of the cloud download (Cisco's cloud URLs go through several)."""
    grant, image = _file_grant(sim, path_args)
    return _redirect(_final_location(request, grant, image), grant.client_id)


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The [start, end) of a single-range ``Range`` header; None to serve everything; (-1, -1) if unsatisfiable.

    Malformed and multi-range headers are ignored (RFC 9110 allows serving the whole body instead).
    """
    if not header:
        return None
    match = _RANGE_RE.fullmatch(header.strip().replace(" ", ""))
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":
        suffix = int(last)
        return (-1, -1) if suffix == 0 or size == 0 else (max(size - suffix, 0), size)
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        return (-1, -1)
    return start, min(int(last) + 1, size) if last else size


def serve(sim: Simulator, request: Request, path_args: dict[str, str]) -> Response:
    """The image bytes (whole, or one range)."""
    grant, image = _file_grant(sim, path_args)
    size = image.size
    etag = f'"{image.guid.lower()}-{size}"'
    safe_name = image.name.replace('"', "").replace("\\", "")
    headers = [
        ("Content-Type", "application/octet-stream"),
        ("Accept-Ranges", "bytes"),
        ("ETag", etag),
        ("Content-Disposition", f'attachment; filename="{safe_name}"'),
    ]
    wanted = request.header("Range")
    if_range = request.header("If-Range")
    if if_range and if_range.strip() != etag:
        wanted = None  # the client holds another version: send it all again
    span = parse_range(wanted, size)
    if span == (-1, -1):
        return Response(416, [*headers, ("Content-Range", f"bytes */{size}")], client_id=grant.client_id)
    if span is None:
        return Response(200, headers, content=image.content, start=0, end=size, client_id=grant.client_id)
    start, end = span
    headers.append(("Content-Range", f"bytes {start}-{end - 1}/{size}"))
    return Response(206, headers, content=image.content, start=start, end=end, client_id=grant.client_id)
