"""Serving stored files: Range (one span), checksum headers, and nginx X-Accel-Redirect when configured.

Headers on every file answer:

* ``X-Checksum-SHA512`` and ``X-Checksum-MD5``: hex digests of the whole file (as Cisco publishes them);
* ``Repr-Digest: sha-512=:<base64>:`` (RFC 9530) for the whole representation;
* ``Content-MD5`` (base64, RFC 1864) only on a full 200 answer, since it describes the body sent;
* ``ETag`` (the sha512), ``Accept-Ranges: bytes``, ``Content-Disposition`` with the stored name.

With ``PORTAL_SERVE_ACCEL_PREFIX`` set (e.g. ``/_storage/``, an nginx ``internal`` location whose alias is the
storage root), the answer carries ``X-Accel-Redirect: <prefix><sha512[:2]>/<sha512>`` and no body: nginx sends
the bytes and honours Range itself.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import http_date

from downloads import conf, storage
from downloads.models import StoredImage

# At most 18 digits (an exabyte): a longer number is no range we could serve, and int() of thousands of digits
# raises (Python's digit limit); such a header is ignored like any other malformed one.
_RANGE = re.compile(r"bytes=(\d{0,18})-(\d{0,18})")
BLOCK = 1 << 20


def parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """[start, end) of a single-range header; None: serve everything; False: not satisfiable (416)."""
    match = _RANGE.fullmatch((header or "").replace(" ", ""))
    if not match or match[1] == match[2] == "":
        return None
    first, last = match[1], match[2]
    if first == "":
        suffix = int(last)
        return False if suffix == 0 or size == 0 else (max(size - suffix, 0), size)
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        return False
    return start, min(int(last) + 1, size) if last else size


def _read(path: Path, start: int, end: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(start)
        remaining = end - start
        while remaining > 0:
            chunk = handle.read(min(BLOCK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk


def _disposition(name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _headers(response: HttpResponse, image: StoredImage) -> None:
    response["X-Checksum-SHA512"] = image.sha512
    response["X-Checksum-MD5"] = image.md5
    response["Repr-Digest"] = f"sha-512=:{base64.b64encode(bytes.fromhex(image.sha512)).decode()}:"
    response["ETag"] = f'"{image.sha512}"'
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = _disposition(image.name)
    response["Last-Modified"] = http_date(image.verified_at.timestamp())
    response["Cache-Control"] = "private, no-transform"


def file_response(request: HttpRequest, image: StoredImage) -> HttpResponse:
    """The stored file (or the span asked with Range) with checksum headers; HEAD answers headers only."""
    path = storage.stored_path(image.sha512)
    if not path.is_file():
        raise Http404("the stored file is missing; run verify_storage")
    prefix = conf.serve_accel_prefix()
    if prefix:
        response = HttpResponse(content_type="application/octet-stream")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + image.relative_path
        _headers(response, image)
        return response
    size = image.size
    wanted = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range", "")
    if if_range and if_range.strip() != f'"{image.sha512}"':
        wanted = ""  # the client holds another version: send it all
    span = parse_range(wanted, size)
    if span is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        _headers(response, image)
        return response
    start, end = span if span else (0, size)
    body = iter(()) if request.method == "HEAD" else _read(path, start, end)
    response = StreamingHttpResponse(body, status=206 if span else 200, content_type="application/octet-stream")
    response["Content-Length"] = str(end - start)
    if span:
        response["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    else:
        response["Content-MD5"] = base64.b64encode(bytes.fromhex(image.md5)).decode()
    _headers(response, image)
    return response
