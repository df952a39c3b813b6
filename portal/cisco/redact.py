"""Keep secrets out of logs and exception text.

Three kinds of secret pass through the client: the OAuth2 client secret (in the token request body only),
bearer tokens (the Authorization header, and the ``access_token`` query parameter of default download URLs)
and cloud download tokens (a POSTed form field). Download URLs are sessionalized, so their query strings
are credentials too. Everything the client logs or puts in an exception goes through :func:`redact_url` or
:func:`redact_text`; urllib3's own DEBUG line ("GET /path?access_token=... HTTP/1.1") is filtered by
:class:`QueryRedactingFilter`, installed once on urllib3's connection-pool logger.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

__all__ = ["MASK", "QueryRedactingFilter", "install_urllib3_filter", "redact_text", "redact_url"]

MASK = "***"

# A query string inside free text: "?" then everything up to white space or a quote. Used on library
# messages such as "Max retries exceeded with url: /x?access_token=abc (Caused by ...)".
_QUERY_IN_TEXT = re.compile(r"\?[^\s'\"<>)]*")
_SENSITIVE_PAIR = re.compile(r"(?i)\b(access_token|token|client_secret|x-authentication-control)=[^&\s'\"]*")
_BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+")


def redact_url(url: str) -> str:
    """The URL with every query value masked (keys kept, for debugging) and any user-info dropped."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = "&".join(f"{pair.split('=', 1)[0]}={MASK}" if "=" in pair else MASK for pair in parts.query.split("&"))
    return urlunsplit((parts.scheme, netloc, parts.path, query if parts.query else "", ""))


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Free text with query strings, bearer tokens, ``token=`` pairs and the given literal secrets masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    text = _BEARER.sub(f"Bearer {MASK}", text)
    text = _SENSITIVE_PAIR.sub(lambda m: f"{m.group(1)}={MASK}", text)
    return _QUERY_IN_TEXT.sub(f"?{MASK}", text)


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
