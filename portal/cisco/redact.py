"""Keep secrets out of logs and exception text.

Three kinds of secret pass through the client: the OAuth2 client secret (in the token request body only),
bearer tokens (the Authorization header, and the ``access_token`` query parameter of default download URLs)
and cloud download tokens (a POSTed form field). Download URLs are sessionalized, so their query strings
are credentials too, and so are opaque codes in their paths (the simulator's ``/dl/<file code>/<name>`` hop,
CDN edge paths): path segments that look like random tokens are masked as well. Everything the client logs
or puts in an exception goes through :func:`redact_url` or :func:`redact_text`; urllib3's own DEBUG line
("GET /path?access_token=... HTTP/1.1") is filtered by :class:`QueryRedactingFilter`,
installed once on urllib3's connection-pool logger.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

__all__ = ["MASK", "QueryRedactingFilter", "install_urllib3_filter", "looks_opaque", "redact_text", "redact_url"]

MASK = "***"

# A query string inside free text: "?" then everything up to white space or a quote. Used on library
# messages such as "Max retries exceeded with url: /x?access_token=abc (Caused by ...)".
_QUERY_IN_TEXT = re.compile(r"\?[^\s'\"<>)]*")
_SENSITIVE_PAIR = re.compile(r"(?i)\b(access_token|token|client_secret|x-authentication-control)=[^&\s'\"]*")
_BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+")
# A path segment that may be an opaque code: long, URL-safe base64 alphabet only (so file names, which have
# dots, never qualify). Free text: such a run right after a "/" and ending at a path or text boundary.
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_-]{20,}")
_TOKEN_SEGMENT_IN_TEXT = re.compile(r"(?<=/)[A-Za-z0-9_-]{20,}(?=[/?#\s'\"<>)]|$)")
# Names built from single-case words joined by "-" or "_" (anyconnect-win-predeploy-k9, ISR4300-UNIVERSALK9):
# a random token almost never splits into pieces like these, so they are kept.
_WORDY_PIECE = re.compile(r"[a-z0-9]{1,12}|[A-Z0-9]{1,12}")


def redact_url(url: str) -> str:
    """The URL with every query value and opaque path segment masked (keys kept, for debugging), user-info dropped."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    path = "/".join(MASK if looks_opaque(segment) else segment for segment in parts.path.split("/"))
    query = "&".join(f"{pair.split('=', 1)[0]}={MASK}" if "=" in pair else MASK for pair in parts.query.split("&"))
    return urlunsplit((parts.scheme, netloc, path, query if parts.query else "", ""))


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Free text with queries, bearer tokens, ``token=`` pairs, opaque path segments and literal secrets masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    text = _BEARER.sub(f"Bearer {MASK}", text)
    text = _SENSITIVE_PAIR.sub(lambda m: f"{m.group(1)}={MASK}", text)
    text = _TOKEN_SEGMENT_IN_TEXT.sub(lambda m: MASK if looks_opaque(m.group(0)) else m.group(0), text)
    return _QUERY_IN_TEXT.sub(f"?{MASK}", text)


def looks_opaque(segment: str) -> bool:
    """Whether a path segment looks like a credential: 20+ URL-safe characters mixing letter cases or digits.

    Segments with dots (file names, versions), short ones, and names made of single-case words joined by
    "-"/"_" are kept.
    """
    if not _TOKEN_CHARS.fullmatch(segment):
        return False
    classes = sum(1 for test in (str.isupper, str.islower, str.isdigit) if any(test(c) for c in segment))
    if classes < 2:
        return False
    pieces = re.split(r"[-_]", segment)
    return not all(_WORDY_PIECE.fullmatch(piece) for piece in pieces if piece)


class QueryRedactingFilter(logging.Filter):
    """Mask query strings in records of a library logger that prints request lines (urllib3 does at DEBUG)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(redact_text(a) if isinstance(a, str) else a for a in args)
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = redact_text(record.msg)
        return True


_installed = False
_install_lock = threading.Lock()


def install_urllib3_filter() -> None:
    """Install :class:`QueryRedactingFilter` on ``urllib3.connectionpool`` (idempotent)."""
    global _installed
    with _install_lock:
        if not _installed:
            logging.getLogger("urllib3.connectionpool").addFilter(QueryRedactingFilter())
            _installed = True
