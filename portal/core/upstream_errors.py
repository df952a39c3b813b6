"""The upstream's errors as people and tools see them: one wording for pages, one mapping for the REST API.

A view that asks the upstream on someone's behalf calls :func:`upstream_call` (API: the error becomes a
``{"code", "message"}`` answer) or :func:`upstream_call_for_page` (pages: the error becomes a message). Upstream
text is untrusted: only its plain text is shown; the client has already redacted secrets and query strings.

HTTP status of the API answer: the question was refused (``InvalidRequest``) -> 400; the upstream has no data for
it -> 404; it is busy or out of reach -> 503; any other failure of the upstream -> 502. A bad argument caught by
the client before sending (``InvalidArgument``: nothing was sent) -> 400 ``invalid_input``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.http import HttpRequest

from portal.cisco.exceptions import (
    AsdError,
    InvalidArgument,
    InvalidRequest,
    NoDataFound,
    QuotaExhausted,
    RateLimited,
    UpstreamUnavailable,
)
from portal.core.api.exceptions import ServiceError
from portal.core.sanitise import plain_text

logger = logging.getLogger("portal.upstream.errors")

T = TypeVar("T")
MESSAGE_LIMIT = 2000


def upstream_error_text(exc: AsdError) -> str:
    """One line for a person: what the upstream answered, with its code when it gave one."""
    text = plain_text(exc.message)[:MESSAGE_LIMIT] or "no message"
    return f"The upstream answered: {text}" + (f" ({plain_text(exc.code)[:64]})" if exc.code else "")


def upstream_http_status(exc: AsdError) -> int:
    """The HTTP status an API answer gets for this upstream failure (see the module docstring)."""
    if isinstance(exc, InvalidRequest):
        return 400
    if isinstance(exc, NoDataFound):
        return 404
    if isinstance(exc, RateLimited | QuotaExhausted | UpstreamUnavailable):
        return 503
    return 502


def upstream_call(service: Callable[..., T], **kwargs: object) -> T:
    """Call a service that asks the upstream; its failure becomes the API's error answer."""
    try:
        return service(**kwargs)
    except InvalidArgument as exc:
        raise ServiceError(exc.message, code="invalid_input") from None
    except AsdError as exc:
        logger.info("upstream call for the API failed: %s", exc)
        code = plain_text(exc.code)[:64] or "upstream_error"
        raise ServiceError(upstream_error_text(exc), code=code, status_code=upstream_http_status(exc)) from None


def upstream_call_for_page(request: HttpRequest, service: Callable[..., T], **kwargs: object) -> T | None:
    """Call a service that asks the upstream; its failure becomes an error message on the page (and None)."""
    try:
        return service(**kwargs)
    except InvalidArgument as exc:
        messages.error(request, exc.message)
    except AsdError as exc:
        logger.info("upstream call for a page failed: %s", exc)
        messages.error(request, upstream_error_text(exc))
    return None
