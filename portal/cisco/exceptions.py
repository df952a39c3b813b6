"""The ASD client's exceptions: typed, carrying the upstream's code, HTTP status and message.

Every error the client raises is an :class:`AsdError`. Errors the upstream answered with one of the spec's
codes (application tokens such as ``PID_INVALID`` or gateway messages such as ``Not Authorized``) are
:class:`UpstreamError` subclasses chosen by :func:`upstream_error`; the code table itself lives in
:mod:`portal.cisco.errors` and is not repeated here. Messages never contain the client secret, a bearer
token or a download URL's query string: the text is built from redacted parts only, and wrapped library
exceptions are not chained (their text would carry the URL).
"""

from __future__ import annotations

from portal.cisco import errors

__all__ = [
    "AccessDenied",
    "AsdError",
    "AuthenticationFailed",
    "DownloadError",
    "DownloadInterrupted",
    "HostNotAllowed",
    "InvalidArgument",
    "InvalidRequest",
    "NoDataFound",
    "ProtocolError",
    "QuotaExhausted",
    "RangeMismatch",
    "RateLimited",
    "TokenUnavailable",
    "TooManyRedirects",
    "TransactionExpired",
    "UpstreamError",
    "UpstreamUnavailable",
    "upstream_error",
]


class AsdError(Exception):
    """Anything the ASD client raises; ``code``, ``http_status`` and ``message`` as far as they are known."""

    def __init__(self, message: str, *, code: str = "", http_status: int | None = None, url: str = "") -> None:
        self.code = code
        self.http_status = http_status
        self.message = message
        self.url = url  # always redacted by the raiser
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts = [f"{self.code}: {self.message}" if self.code else self.message]
        if self.http_status is not None:
            parts.append(f"(HTTP {self.http_status})")
        if self.url:
            parts.append(f"[{self.url}]")
        return " ".join(parts)

    def __reduce__(self):  # keep keyword-only fields when pickled (Celery, multiprocessing)
        return (_rebuild, (type(self), self.message, self.code, self.http_status, self.url, self.__dict__))


def _rebuild(cls: type[AsdError], message: str, code: str, http_status: int | None, url: str, state: dict):
    obj = cls.__new__(cls)
    AsdError.__init__(obj, message, code=code, http_status=http_status, url=url)
    obj.__dict__.update(state)
    return obj


class InvalidArgument(AsdError):
    """A client method was called with values the spec does not allow (1 to 5 names, pages of 1 to 25 ...);
    nothing was sent. The caller's input is wrong, not the upstream."""


class UpstreamError(AsdError):
    """The upstream answered with an error (a code of the spec's tables, or an unknown one kept raw)."""


class InvalidRequest(UpstreamError):
    """The request was refused as invalid (``*_MISSING``, ``*_INVALID``, ``*_LIMIT_EXCEEDED``, 400/414/415)."""


class NoDataFound(UpstreamError):
    """``NO_DATA_FOUND`` / ``NO_DATA_FOUND_FOR_PID``: a valid question with no answer."""


class TransactionExpired(UpstreamError):
    """``MTRANSID_EXPIRED`` / ``INVALID_MTRANSID``: query metadata again for a fresh metadataTransId."""


class AccessDenied(UpstreamError):
    """The account may not do this (``PROD_REG_*``, ``DNAC_REG_REQ``, ``SW_NO_LONGER_AVL``, 403 Forbidden ...)."""


class AuthenticationFailed(UpstreamError):
    """The credentials or the token were refused, even after fetching a fresh token once."""


class RateLimited(UpstreamError):
    """403 ``Account Over Queries Per Second Limit`` / 429 persisted beyond the retry budget."""


class QuotaExhausted(UpstreamError):
    """403 ``Account Over Rate Limit``: the quota of the period is used up; retrying now cannot help."""


class UpstreamUnavailable(AsdError):
    """Connection errors, timeouts or 5xx answers persisted beyond the retry budget."""

    def __init__(self, message: str, *, attempts: int = 0, **kwargs) -> None:
        self.attempts = attempts
        super().__init__(message, **kwargs)


class TokenUnavailable(UpstreamUnavailable):
    """The token endpoint could not be reached or answered 5xx (transient)."""


class ProtocolError(AsdError):
    """The upstream answered something the spec does not allow (not JSON, wrong shape, a redirect)."""


class DownloadError(AsdError):
    """Fetching an image's bytes failed."""


class HostNotAllowed(DownloadError):
    """A download URL or redirect points to a host (or scheme) outside the allow-list; nothing was sent."""


class TooManyRedirects(DownloadError):
    """More redirects than allowed before the bytes."""


class RangeMismatch(DownloadError):
    """A 206 whose Content-Range is not the range asked for, or 416 for the range asked."""


class DownloadInterrupted(DownloadError):
    """The byte stream broke off (reset, timeout, short body); resume from ``offset + bytes_read`` with Range."""

    def __init__(self, message: str, *, bytes_read: int = 0, **kwargs) -> None:
        self.bytes_read = bytes_read
        super().__init__(message, **kwargs)


# Request-level application codes that are not plain input errors.
_NO_DATA = frozenset({"NO_DATA_FOUND", "NO_DATA_FOUND_FOR_PID"})
_EXPIRED = frozenset({"MTRANSID_EXPIRED", "INVALID_MTRANSID"})
_DENIED = frozenset({"PROD_REG_NA", "PROD_REG_AV", "DNAC_REG_REQ", "SW_NO_LONGER_AVL"})
_DENIED_GENERIC = frozenset({errors.FORBIDDEN, errors.ACCOUNT_INACTIVE, "Unknown Referrer", "Service requires SSL"})
_QPS_GENERIC = frozenset({errors.QPS_LIMIT_MESSAGE, errors.RATE_LIMIT_EXCEEDED_MESSAGE})


def upstream_error(code: str, message: str, http_status: int | None, *, url: str = "") -> UpstreamError:
    """The typed exception for an error answer: by application code first, then by generic message/status.

    INVALID_OUTPUT_RELEASE is a 401 in the spec but means "no release version given": an input problem, so it
    falls through to InvalidRequest rather than joining the 401 registration refusals.
    """
    if code in _NO_DATA:
        cls: type[UpstreamError] = NoDataFound
    elif code in _EXPIRED:
        cls = TransactionExpired
    elif code in _DENIED or code in _DENIED_GENERIC:
        cls = AccessDenied
    elif code == errors.NOT_AUTHORIZED:
        cls = AuthenticationFailed
    elif code == errors.RATE_LIMIT_MESSAGE:
        cls = QuotaExhausted
    elif code in _QPS_GENERIC or http_status == 429:
        cls = RateLimited
    elif http_status is not None and 400 <= http_status < 500:
        cls = InvalidRequest
    else:
        cls = UpstreamError
    return cls(message, code=code, http_status=http_status, url=url)
