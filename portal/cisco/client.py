"""The ASD API v4.0 client: one method per operation of the spec, typed results, no Django.

Construct it with plain values (Depot builds it from settings in :mod:`portal.cisco.provider`)::

    client = AsdClient(base_url="https://apix.cisco.com", token_url="https://id.cisco.com/oauth2/default/v1/token",
                       client_id="...", client_secret="...", token_store=django_cache, rate_limiter=limiter,
                       allowed_download_hosts=["*.cisco.com"])
    for record in client.iter_releases(pid="C9300-24P", current_release="17.09.04a"):
        ...

It is safe to share between threads. Errors are :class:`~portal.cisco.exceptions.AsdError` subclasses;
transient faults are retried inside (see :mod:`portal.cisco.transport`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import requests

from portal.cisco import parse
from portal.cisco.auth import ClientCredentials, MemoryTokenStore, TokenProvider, TokenStore, request_token
from portal.cisco.download import HostPolicy, ImageStream, open_image
from portal.cisco.exceptions import InvalidArgument, NoDataFound
from portal.cisco.payloads import (
    DownloadOffer,
    DownloadUrls,
    EulaForm,
    ImageStatusResult,
    K9Form,
    Pagination,
    ReleasePage,
    ReleaseRecord,
    SubmitResult,
)
from portal.cisco.ratelimit import NoRateLimit, RateLimiter
from portal.cisco.transport import RetryPolicy, Transport, make_session
from portal.cisco.versions import normalize

__all__ = ["MAX_IMAGES", "MAX_PER_PAGE", "AsdClient"]

MAX_PER_PAGE = 25  # spec: "A maximum of 25 records per page"
MAX_IMAGES = 5  # spec: image names and image GUIDs, 1 to 5 per request
MAX_PAGES = 10_000  # a guard against an upstream whose lastIndex never ends
_KEYWORDS = {"latest": "latest", "above": "above"}
_DECISIONS = ("Accepted", "Declined")


def _names(values: Iterable[str], what: str) -> list[str]:
    names = [str(value).strip() for value in ([values] if isinstance(values, str) else values)]
    names = [name for name in names if name]
    if not 1 <= len(names) <= MAX_IMAGES:
        raise InvalidArgument(f"{what}: between 1 and {MAX_IMAGES} values, got {len(names)}")
    return names


def _page_args(page_index: int, per_page: int) -> dict[str, str]:
    if page_index < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidArgument(f"page_index >= 1 and 1 <= per_page <= {MAX_PER_PAGE}")
    # Strings, as in the spec's sample requests.
    return {"pageIndex": str(page_index), "perPage": str(per_page)}


def _file_names(file_names: str | Sequence[str]) -> str:
    return file_names.strip() if isinstance(file_names, str) else ",".join(n.strip() for n in file_names if n.strip())


def _decision(status: str, decline_comments: str) -> dict[str, str]:
    if status not in _DECISIONS:
        raise InvalidArgument(f"status must be one of {_DECISIONS}")
    if status == "Declined" and not decline_comments.strip():
        raise InvalidArgument("decline_comments is mandatory when status is Declined")
    body = {"status": status}
    if decline_comments.strip():
        body["declineComments"] = decline_comments.strip()
    return body


class AsdClient:
    """Typed access to Cisco's ASD API v4.0 (or the simulator), with shared token, rate limit and retries."""

    def __init__(
        self,
        *,
        base_url: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        token_store: TokenStore | None = None,
        rate_limiter: RateLimiter | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        allowed_download_hosts: Iterable[str] = (),
        allow_http_downloads: bool = False,
        session: requests.Session | None = None,
        token_refresh_margin: float = 60.0,
        store_key_prefix: str = "depot:asd:token",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.session = session or make_session()
        timeout = (float(connect_timeout), float(read_timeout))
        credentials = ClientCredentials(token_url=token_url, client_id=client_id, client_secret=client_secret)
        self.tokens = TokenProvider(
            fetch=lambda: request_token(
                self.session, credentials, timeout=timeout, refresh_margin=token_refresh_margin
            ),
            store=token_store if token_store is not None else MemoryTokenStore(),
            key=credentials.cache_key(store_key_prefix),
            lock_timeout=sum(timeout) + 10,
            sleep=sleep,
        )
        self.transport = Transport(
            base_url=self.base_url,
            tokens=self.tokens,
            session=self.session,
            timeout=timeout,
            retry=retry or RetryPolicy(),
            limiter=rate_limiter or NoRateLimit(),
            secrets=(client_secret,),
            sleep=sleep,
        )
        self.host_policy = HostPolicy(allowed_download_hosts, allow_http=allow_http_downloads)

    def __repr__(self) -> str:
        return f"<AsdClient {self.base_url} client_id={self.client_id!r}>"

    def close(self) -> None:
        """Close the pooled connections."""
        self.session.close()

    # --- metadata -----------------------------------------------------------------------------------------

    def releases(
        self, *, pid: str, current_release: str, output_release: str = "latest", page_index: int = 1, per_page: int = 25
    ) -> ReleasePage:
        """metadata/pidrelease: one page of releases of ``pid`` relative to ``current_release``.

        ``output_release`` is ``latest``, ``above`` or a specific release; versions are sent normalised
        (``17.09.04a`` -> ``17.9.4a``).
        """
        output = _KEYWORDS.get(output_release.strip().lower()) or normalize(output_release)
        body = {
            "pid": pid.strip(),
            "currentReleaseVersion": normalize(current_release),
            "outputReleaseVersion": output,
            **_page_args(page_index, per_page),
        }
        return parse.release_page(*self.transport.call("POST", "metadata/pidrelease", body))

    def iter_releases(
        self, *, pid: str, current_release: str, output_release: str = "latest", per_page: int = 25
    ) -> Iterator[ReleaseRecord]:
        """Every release record of every page of :meth:`releases`, each with its page's metadataTransId.

        Yields nothing when the upstream answers NO_DATA_FOUND (e.g. nothing is above the current release).
        """
        return self._walk(
            lambda index: self.releases(
                pid=pid,
                current_release=current_release,
                output_release=output_release,
                page_index=index,
                per_page=per_page,
            )
        )

    def images_by_pid(
        self, *, pid: str, image_names: Sequence[str], page_index: int = 1, per_page: int = 25
    ) -> ReleasePage:
        """metadata/pidimage: one page of the releases holding 1 to 5 named images of ``pid``.

        When none of the names is an image of the PID the upstream answers NO_DATA_FOUND; that first page is
        returned empty with every name in ``invalid_images``, as a partial miss would list them.
        """
        names = _names(image_names, "image_names")
        body = {"pid": pid.strip(), "imageNames": names, **_page_args(page_index, per_page)}
        try:
            return parse.release_page(*self.transport.call("POST", "metadata/pidimage", body))
        except NoDataFound as exc:
            if exc.code != "NO_DATA_FOUND" or page_index != 1:
                raise
            return ReleasePage(
                pagination=Pagination(1, 1, 0, 0),
                metadata_trans_id="",
                records=(),
                invalid_images=tuple(names),
                received_at=dt.datetime.now(dt.UTC),
            )

    def iter_images_by_pid(
        self, *, pid: str, image_names: Sequence[str], per_page: int = 25
    ) -> Iterator[ReleaseRecord]:
        """Every release record of every page of :meth:`images_by_pid`."""
        return self._walk(
            lambda index: self.images_by_pid(pid=pid, image_names=image_names, page_index=index, per_page=per_page)
        )

    def image_status(self, *, image_names: Sequence[str]) -> ImageStatusResult:
        """metadata/images: the status of 1 to 5 images by name (unknown names in ``invalid_images``)."""
        data, _ = self.transport.call("POST", "metadata/images", {"imageNames": _names(image_names, "image_names")})
        return parse.image_status_result(data)

    @staticmethod
    def _walk(fetch: Callable[[int], ReleasePage]) -> Iterator[ReleaseRecord]:
        """Pages 1..lastIndex. NO_DATA_FOUND ends the walk (nothing matched, or fewer pages than announced);
        NO_DATA_FOUND_FOR_PID and other errors are raised."""
        index = 1
        while index <= MAX_PAGES:
            try:
                page = fetch(index)
            except NoDataFound as exc:
                if exc.code != "NO_DATA_FOUND":
                    raise
                return
            yield from page.records
            if not page.has_next or not page.records:
                return
            index = page.pagination.page_index + 1

    # --- compliance ---------------------------------------------------------------------------------------

    def k9_form(self) -> K9Form:
        """GET compliance/k9: the K9 (export) form as delivered."""
        data, _ = self.transport.call("GET", "compliance/k9")
        return parse.k9_form(data)

    def eula_form(self) -> EulaForm:
        """GET compliance/eula: the EULA as delivered."""
        data, _ = self.transport.call("GET", "compliance/eula")
        return parse.eula_form(data)

    def k9_submit(
        self,
        *,
        status: str,
        confirm: str,
        bus_function: str,
        gov_mil_countries: str,
        decline_comments: str = "",
        file_names: str | Sequence[str] = (),
    ) -> SubmitResult:
        """POST compliance/k9: accept or decline the K9 form with the values the officer chose."""
        body: dict[str, Any] = _decision(status, decline_comments)
        body.update(confirm=confirm, busFunction=bus_function, govMilCountries=gov_mil_countries)
        if names := _file_names(file_names):
            body["fileNames"] = names
        data, _ = self.transport.call("POST", "compliance/k9", body)
        return parse.submit_result(data)

    def eula_submit(
        self, *, status: str, decline_comments: str = "", file_names: str | Sequence[str] = ()
    ) -> SubmitResult:
        """POST compliance/eula: accept or decline the EULA."""
        body: dict[str, Any] = _decision(status, decline_comments)
        if names := _file_names(file_names):
            body["fileNames"] = names
        data, _ = self.transport.call("POST", "compliance/eula", body)
        return parse.submit_result(data)

    # --- downloads ----------------------------------------------------------------------------------------

    def download_urls(
        self, *, pid: str, mdf_id: int | str, metadata_trans_id: str, image_guids: Sequence[str]
    ) -> DownloadUrls:
        """download/pidimage: a URL (or the exceptions standing in the way) for 1 to 5 image GUIDs."""
        body = {
            "pid": pid.strip(),
            "mdfId": str(mdf_id).strip(),
            "metadataTransId": str(metadata_trans_id).strip(),
            "imageGuids": _names(image_guids, "image_guids"),
        }
        return parse.download_urls(*self.transport.call("POST", "download/pidimage", body))

    def open_image(
        self,
        offer_or_url: DownloadOffer | str,
        token: str | None = None,
        *,
        start: int = 0,
        end: int | None = None,
        if_range: str | None = None,
    ) -> ImageStream:
        """Open the bytes of an offer (or a URL and its cloud token, "" for a default URL) from ``start``.

        Follows redirects through the allow-list; see :mod:`portal.cisco.download`. Close the stream
        (or use it as a context manager) when done.
        """
        return open_image(
            self.transport, self.host_policy, offer_or_url, token, start=start, end=end, if_range=if_range
        )
