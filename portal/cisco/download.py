"""Fetching an image's bytes: the two delivery kinds, redirects through an allow-list, Range, streaming.

Delivery (spec, "Download Variant" and "Downloading Images From the cloud"):

* default URL (empty token): ``GET url&access_token=<API bearer token>``;
* cloud URL (token given): ``POST url`` with the form body ``X-Authentication-Control=<token>``.

Redirects are followed by hand, at most ``max_redirects`` hops. Before each hop, the first included, the URL
is checked by :class:`HostPolicy`, so nothing at all is sent to a host that is not allowed. The bearer token
goes only to the URL the API gave (appended there, as the spec says), never to a redirect target; 301/302/303
continue with GET and no body, 307/308 repeat the request as it was.

Host policy (``PORTAL_ALLOWED_DOWNLOAD_HOSTS``): entries are ``host``, ``host:port``, ``[v6]:port`` or a
wildcard ``*.example.com`` / ``.example.com`` (subdomains only). IP literals match only an exact entry, so
loopback, private and link-local addresses are refused unless listed. Plain ``http`` is accepted only for
hosts listed exactly (not through a wildcard), or for every allowed host when ``allow_http`` is on (DEBUG);
otherwise ``https`` is required. URLs with user-info (``user@host``) are refused. Names are not resolved
here: a listed name is trusted to resolve where its owner says.

Range: ``start``/``end`` are a Python-style ``[start, end)`` byte span. The stream says whether the server
honoured it (206 with exactly the expected Content-Range); a 200 instead means the whole image from byte 0
(``range_honoured`` False, ``offset`` 0), which the caller must handle (restart from zero). A 206 for another
span, or 416, raises :class:`RangeMismatch`.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, urljoin, urlsplit

import requests
import urllib3.exceptions

from portal.cisco import errors
from portal.cisco.exceptions import (
    AsdError,
    DownloadError,
    DownloadInterrupted,
    HostNotAllowed,
    InvalidArgument,
    RangeMismatch,
    TooManyRedirects,
    UpstreamUnavailable,
)
from portal.cisco.redact import redact_url
from portal.cisco.transport import TRANSIENT_EXCEPTIONS, RetrySignal, TokenRefused, describe_exception

if TYPE_CHECKING:
    from portal.cisco.payloads import DownloadOffer
    from portal.cisco.transport import Transport

__all__ = ["DownloadUrlRefused", "HostPolicy", "ImageStream", "open_image"]

logger = logging.getLogger("portal.cisco.download")

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
_STREAM_ERRORS = (
    urllib3.exceptions.HTTPError,  # ProtocolError (reset, IncompleteRead), ReadTimeoutError, SSLError...
    requests.RequestException,
    OSError,
)


class DownloadUrlRefused(DownloadError):
    """The download URL was refused (unknown or expired: ask download/pidimage again for a fresh one)."""


@dataclass(frozen=True)
class _Entry:
    host: str
    port: int | None
    wildcard: bool


def _host_port(text: str) -> tuple[str, int | None]:
    parts = urlsplit(f"//{text}")
    return (parts.hostname or "").rstrip("."), parts.port


class HostPolicy:
    """Decides whether a URL may be contacted (see the module docstring for the rules)."""

    def __init__(
        self, allowed: Iterable[str], *, allow_http: bool = False, setting: str = "PORTAL_ALLOWED_DOWNLOAD_HOSTS"
    ) -> None:
        self.allow_http = allow_http
        self.setting = setting  # the variable named when a host is refused (webhooks use the same rules)
        entries = []
        for raw in allowed:
            text = raw.strip().lower()
            if "://" in text:
                text = urlsplit(text).netloc
            wildcard = text.startswith(("*.", "."))
            host, port = _host_port(text.lstrip("*"))
            if host:
                entries.append(_Entry(host.lstrip("."), port, wildcard))
        self.entries = tuple(entries)

    def __repr__(self) -> str:
        return f"<HostPolicy {len(self.entries)} entries, allow_http={self.allow_http}>"

    def check(self, url: str) -> None:
        """Return if ``url`` may be contacted; raise :class:`HostNotAllowed` (nothing sent) otherwise."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise HostNotAllowed("malformed URL", url=redact_url(url)) from None
        host = (parts.hostname or "").rstrip(".")
        shown = redact_url(url)
        if parts.scheme not in ("http", "https") or not host:
            raise HostNotAllowed(f"URL scheme {parts.scheme!r} is not http(s)", url=shown)
        if parts.username is not None or "@" in parts.netloc:
            raise HostNotAllowed("URLs with user-info are refused", url=shown)
        port = port or (443 if parts.scheme == "https" else 80)
        exact = any(not e.wildcard and e.host == host and e.port in (None, port) for e in self.entries)
        if not exact and (_is_ip(host) or not self._wildcard_match(host, port)):
            raise HostNotAllowed(f"host {host}:{port} is not in {self.setting}", url=shown)
        if parts.scheme == "http" and not (exact or self.allow_http):
            raise HostNotAllowed(f"plain http to {host} is refused (https required)", url=shown)

    def _wildcard_match(self, host: str, port: int) -> bool:
        return any(e.wildcard and host.endswith("." + e.host) and e.port in (None, port) for e in self.entries)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        # Also refuse what resolvers read as numbers ("2130706433", "0x7f.1"): only an exact entry may name them.
        return bool(re.fullmatch(r"[0-9x.]+", host))
    return True


def _with_access_token(url: str, token: str) -> str:
    separator = "&" if urlsplit(url).query else ("" if url.endswith("?") else "?")
    return f"{url}{separator}access_token={quote(token, safe='')}"


class ImageStream:
    """The open byte stream of an image; iterate :meth:`iter_chunks` (or :meth:`readinto`), then close.

    ``offset`` is the image position of the first byte this stream yields; ``total_size`` the whole image
    size when the server said it (Content-Range or Content-Length of a 200). Errors while reading raise
    :class:`DownloadInterrupted` with ``bytes_read``, so the caller can resume at ``offset + bytes_read``.
    """

    def __init__(self, response: requests.Response, *, offset: int, range_requested: bool, range_honoured: bool):
        self._response = response
        self.status_code = response.status_code
        self.headers: Mapping[str, str] = response.headers
        self.url = redact_url(response.url)
        self.offset = offset
        self.range_requested = range_requested
        self.range_honoured = range_honoured
        self.bytes_read = 0
        length = response.headers.get("Content-Length", "")
        self.content_length: int | None = int(length) if length.isdigit() else None
        self.total_size: int | None = _total_size(response, self.content_length)
        self.etag: str = response.headers.get("ETag", "")

    def __repr__(self) -> str:
        return f"<ImageStream {self.status_code} offset={self.offset} length={self.content_length} {self.url}>"

    def __enter__(self) -> ImageStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection (not reused if the body was not read to the end)."""
        self._response.close()

    def iter_chunks(self, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        """Yield the body as it arrives, in chunks of up to ``chunk_size`` bytes (exact bytes, not decoded)."""
        raw = self._response.raw
        while True:
            try:
                chunk = raw.read(chunk_size, decode_content=False)
            except _STREAM_ERRORS as exc:
                raise self._interrupted(exc) from None
            if not chunk:
                self._check_complete()
                return
            self.bytes_read += len(chunk)
            yield chunk

    def readinto(self, buffer: bytearray | memoryview) -> int:
        """Read into ``buffer``; 0 at the end of the body.

        Reads straight from the connection into ``buffer`` (http.client's response under urllib3's): urllib3's own
        ``readinto`` reads into a new buffer and copies it twice, a cost per byte on multi-GB images.
        """
        raw = self._response.raw
        connection = getattr(raw, "_fp", None)
        read = connection.readinto if isinstance(connection, http.client.HTTPResponse) else raw.readinto
        try:
            count = read(buffer)
        except (*_STREAM_ERRORS, http.client.HTTPException) as exc:
            raise self._interrupted(exc) from None
        if count == 0:
            self._check_complete()
        self.bytes_read += count
        return count

    def _check_complete(self) -> None:
        if self.content_length is not None and self.bytes_read < self.content_length:
            raise DownloadInterrupted(
                f"body ended after {self.bytes_read} of {self.content_length} bytes",
                bytes_read=self.bytes_read,
                url=self.url,
            )

    def _interrupted(self, exc: BaseException) -> DownloadInterrupted:
        return DownloadInterrupted(
            f"stream broke off after {self.bytes_read} bytes ({type(exc).__name__})",
            bytes_read=self.bytes_read,
            url=self.url,
        )


def _total_size(response: requests.Response, content_length: int | None) -> int | None:
    if response.status_code == 206:
        match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
        return int(match[3]) if match and match[3] != "*" else None
    return content_length


def _range_header(start: int, end: int | None) -> str | None:
    if start < 0 or (end is not None and end <= start):
        raise InvalidArgument(f"bad byte range [{start}, {end})")
    if start == 0 and end is None:
        return None
    return f"bytes={start}-{'' if end is None else end - 1}"


def open_image(
    transport: Transport,
    policy: HostPolicy,
    target: DownloadOffer | str,
    token: str | None = None,
    *,
    start: int = 0,
    end: int | None = None,
    if_range: str | None = None,
    max_redirects: int = 5,
) -> ImageStream:
    """Open the bytes of an offer (or of ``target`` URL + cloud ``token``); retried like API calls until open."""
    if isinstance(target, str):
        url, cloud_token = target, token or ""
    else:
        if not target.url:
            raise DownloadError("this offer has no URL", code=target.outcome or "")
        url, cloud_token = target.url, target.token if token is None else token
    range_value = _range_header(start, end)
    retry = transport.retry
    deadline = time.monotonic() + retry.total_timeout
    attempts, rejected = 0, None
    while True:
        try:
            bearer = "" if cloud_token else transport.tokens.token(reject=rejected)
            response = _follow(transport, policy, url, cloud_token, bearer, range_value, if_range, max_redirects)
            return _stream(response, start, end, range_value is not None)
        except TokenRefused as refused:
            if rejected is not None or not refused.token:
                raise refused.error from None
            rejected = refused.token
            transport.tokens.invalidate(refused.token)
        except RetrySignal as signal:
            attempts += 1
            delay = signal.delay if signal.delay is not None else retry.backoff(attempts)
            if attempts >= retry.max_attempts or time.monotonic() + delay > deadline:
                raise signal.error from None
            logger.warning("download %s: %s; retry in %.2f s", redact_url(url), signal.error, delay)
            transport.sleep(delay)


def _follow(
    transport: Transport,
    policy: HostPolicy,
    url: str,
    cloud_token: str,
    bearer: str,
    range_value: str | None,
    if_range: str | None,
    max_redirects: int,
) -> requests.Response:
    """Send the first request and every redirect hop, checking each URL first; return the final response."""
    method = "POST" if cloud_token else "GET"
    data = {"X-Authentication-Control": cloud_token} if cloud_token else None
    target = url if cloud_token else _with_access_token(url, bearer)
    headers = {"Accept": "*/*", "Accept-Encoding": "identity"}
    if range_value:
        headers["Range"] = range_value
        if if_range:
            headers["If-Range"] = if_range
    for hop in range(max_redirects + 1):
        policy.check(target)
        response = _send(transport, method, target, data, headers, hop)
        if response.status_code not in _REDIRECTS:
            if response.status_code >= 400:
                _refuse(transport, response, bearer if hop == 0 else "")
            return response
        location = response.headers.get("Location", "")
        response.close()
        if not location:
            raise DownloadError("redirect without a Location", http_status=response.status_code, url=redact_url(target))
        target = urljoin(target, location)
        if response.status_code in (301, 302, 303):
            method, data = "GET", None
    raise TooManyRedirects(f"more than {max_redirects} redirects", url=redact_url(target))


def _send(
    transport: Transport, method: str, url: str, data: dict | None, headers: dict[str, str], hop: int
) -> requests.Response:
    started = time.monotonic()
    try:
        response = transport.session.request(
            method, url, data=data, headers=headers, timeout=transport.timeout, allow_redirects=False, stream=True
        )
    except TRANSIENT_EXCEPTIONS as exc:
        error = UpstreamUnavailable(describe_exception(exc), url=redact_url(url))
        raise RetrySignal(error) from None
    except requests.RequestException as exc:
        raise DownloadError(describe_exception(exc), url=redact_url(url)) from None
    elapsed = (time.monotonic() - started) * 1e3
    logger.debug("download hop %d: %s %s -> %s in %.0f ms", hop, method, redact_url(url), response.status_code, elapsed)
    return response


def _refuse(transport: Transport, response: requests.Response, bearer: str) -> None:
    """Raise for an error answer on a download hop (never returns)."""
    url = redact_url(response.url)
    try:
        body = response.raw.read(65536, decode_content=True) or b""
    except _STREAM_ERRORS:
        body = b""
    finally:
        response.close()
    if response.status_code == 416:
        raise RangeMismatch("range not satisfiable (416)", http_status=416, url=url)
    try:
        transport.raise_for_error(
            response.status_code, body, response.headers, response.reason or "", url=url, token=bearer
        )
    except AsdError as exc:
        if exc.code in (errors.FORBIDDEN, "API_UNAVAILABLE") or response.status_code in (404, 410):
            raise DownloadUrlRefused(exc.message, code=exc.code, http_status=exc.http_status, url=url) from None
        raise


def _stream(response: requests.Response, start: int, end: int | None, range_requested: bool) -> ImageStream:
    """Check the final answer against the range asked for and wrap it."""
    if response.status_code == 206:
        if not range_requested or not _range_matches(response.headers.get("Content-Range", ""), start, end):
            response.close()
            got = response.headers.get("Content-Range", "none")
            raise RangeMismatch(
                f"206 with Content-Range {got} for [{start}, {end})", http_status=206, url=redact_url(response.url)
            )
        return ImageStream(response, offset=start, range_requested=True, range_honoured=True)
    if 200 <= response.status_code < 300:
        return ImageStream(response, offset=0, range_requested=range_requested, range_honoured=not range_requested)
    response.close()
    raise DownloadError("unexpected answer", http_status=response.status_code, url=redact_url(response.url))


def _range_matches(content_range: str, start: int, end: int | None) -> bool:
    """Whether ``bytes first-last/size`` is [start, end) (``end`` past the size: up to the last byte)."""
    match = _CONTENT_RANGE.fullmatch(content_range.strip())
    if match is None or int(match[1]) != start:
        return False
    last = int(match[2])
    size = None if match[3] == "*" else int(match[3])
    if end is None:
        return size is None or last == size - 1
    return last == end - 1 or (size is not None and end > size and last == size - 1)
