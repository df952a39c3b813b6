"""The simulator as an object: catalog, clock, state, clients, limits, faults and log, and request dispatch.

:meth:`Simulator.handle` turns a :class:`Request` into a :class:`Response` without doing any I/O, so the HTTP
server (server.py) only parses, applies faults, and writes.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import deque
from typing import Any
from urllib.parse import parse_qsl, urlencode

from portal.cisco.errors import NOT_AUTHORIZED
from portal.cisco.simulator.auth import Authority, bearer_token
from portal.cisco.simulator.catalog import Catalog
from portal.cisco.simulator.clock import RateClock, SimClock
from portal.cisco.simulator.config import SimulatorConfig
from portal.cisco.simulator.faults import FaultBoard
from portal.cisco.simulator.hostile import HostileText
from portal.cisco.simulator.ratelimit import RateLimiter, Refusal
from portal.cisco.simulator.routes import match
from portal.cisco.simulator.state import SimState
from portal.cisco.simulator.wire import ApiError, Request, Response, gateway_error, with_payload

logger = logging.getLogger(__name__)

LOG_SIZE = 10_000
_SECRET_PARAMS = frozenset({"access_token", "client_secret"})


class RequestLog:
    """The last requests received, for ``GET /_sim/log``."""

    def __init__(self, size: int = LOG_SIZE) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._lock = threading.Lock()

    def add(self, entry: dict[str, Any]) -> None:
        """Record one request."""
        with self._lock:
            self._entries.append(entry)

    def update(self, entry: dict[str, Any], **changes: Any) -> None:
        """Change fields of an entry already added (its final byte count once the body has gone out)."""
        with self._lock:
            entry.update(changes)

    def entries(self) -> list[dict[str, Any]]:
        """All recorded requests, oldest first (copies, so a later :meth:`update` cannot race a reader)."""
        with self._lock:
            return [dict(entry) for entry in self._entries]

    def clear(self) -> None:
        """Forget all requests."""
        with self._lock:
            self._entries.clear()


def redact_query(query: str) -> str:
    """The query string with secrets (access tokens) replaced, for the log."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, "REDACTED" if k in _SECRET_PARAMS else v) for k, v in pairs])


class Simulator:
    """One running simulator's behaviour (everything except the socket work)."""

    def __init__(self, config: SimulatorConfig, catalog: Catalog) -> None:
        self.config = config
        self.catalog = catalog
        self.clock = SimClock(config.clock_offset)
        self.rate_clock = RateClock()
        self.state = SimState()
        self.auth = Authority(config.clients)
        self.limiter = RateLimiter(config.qps, config.daily_quota, self.rate_clock.now)
        self.faults = FaultBoard()
        self.log = RequestLog()
        self.hostile: HostileText | None = None  # set by the control API (routes/control.py)

    def reset(self, *, tokens: bool = False) -> None:
        """Back to the start: state, rate counts and limits, faults, the log, both clocks, hostile text (and
        tokens when asked)."""
        self.state.reset()
        self.limiter.reset()
        self.limiter.qps, self.limiter.daily_quota = self.config.qps, self.config.daily_quota
        self.rate_clock.reset()
        self.faults.clear()
        self.log.clear()
        self.clock.reset()
        self.hostile = None
        if tokens:
            self.auth.forget_tokens()

    def handle(self, request: Request) -> Response:
        """Answer one request (errors become error responses; unexpected failures a 500)."""
        try:
            response = self._dispatch(request)
        except ApiError as exc:
            response = exc.response()
        except Exception:
            logger.exception("simulator failure on %s %s", request.method, request.path)
            response = gateway_error(500, "Internal Server Error").response()
        hostile = self.hostile
        if hostile is not None and response.payload is not None and not request.path.startswith("/_sim/"):
            response = with_payload(response, hostile.apply(response.payload))
        return response

    def _dispatch(self, request: Request) -> Response:
        found = match(request.path, control_enabled=self.config.control)
        if found is None:
            raise gateway_error(404, "API_UNAVAILABLE", detail="No such resource.")
        route, path_args = found
        if request.method not in route.methods:
            allowed = ", ".join(sorted(route.methods))
            error = gateway_error(405, "Method Not Allowed", detail=f"Use {allowed}.")
            error.headers.append(("Allow", allowed))
            raise error
        if route.kind != "api":
            return route.handler(self, request, path_args)  # type: ignore[return-value]
        client_id = self._authenticate(request)
        try:
            refusal = self.limiter.admit(client_id, self.clock.now())
            if refusal is not None:
                raise self.rate_refusal(refusal)
            response: Response = route.handler(self, request, client_id)  # type: ignore[assignment]
        except ApiError as exc:
            response = exc.response()
        response.client_id = client_id  # the request log names the client even for refusals
        return response

    def _authenticate(self, request: Request) -> str:
        token = bearer_token(request.header("Authorization"))
        client_id = self.auth.check(token, self.clock.now()) if token else None
        if client_id is None:
            raise self.token_refusal()
        return client_id

    def token_refusal(self, detail: str | None = None) -> ApiError:
        """A missing, unknown or expired token: the spec's 403 Not Authorized, or a modern gateway's 401."""
        if self.config.gateway != "modern":
            return gateway_error(403, NOT_AUTHORIZED, detail=detail)
        error = gateway_error(401, NOT_AUTHORIZED, detail=detail)
        error.headers.append(("WWW-Authenticate", 'Bearer realm="apix.cisco.com", error="invalid_token"'))
        return error

    def rate_refusal(self, refusal: Refusal) -> ApiError:
        """A rate-limit refusal: the spec's 403 with the table's message, or a modern gateway's 429 with
        Retry-After (whole seconds until a call would pass, at least 1) and the same message in the body."""
        if self.config.gateway != "modern":
            return gateway_error(403, refusal.message)
        error = gateway_error(429, refusal.message)
        error.headers.append(("Retry-After", str(max(1, math.ceil(refusal.retry_after)))))
        return error
