"""The control API under /_sim/ (only with --control): clock, faults, log, reset, forms, clients, hostile text.

* ``GET /_sim/clock`` -> ``{"offset", "now", "iso"}``; ``POST /_sim/clock {"advance": s}`` or ``{"offset": s}``.
* ``GET|POST|DELETE /_sim/faults`` -> ``{"faults": [armed], "held": [{"fault", "method", "path", "since"}]}`` /
  arm (201, see faults.py) / disarm all and release held requests; ``POST /_sim/faults/release`` (``{"id": N}``
  optional) -> ``{"released": n}`` lets held requests go on.
* ``GET|DELETE /_sim/log`` -> ``{"requests": [{"method", "path", "query", "client", "status", "time", "bytes",
  "range", "fault"}]}`` (oldest first; access tokens in queries are redacted) / clear.
* ``POST /_sim/reset`` -> forget decisions, transactions, download URLs, rate counts, faults (releasing held
  requests), the log, form versions, hostile text and the clock offset; ``{"tokens": true}`` also invalidates
  access tokens.
* ``GET /_sim/forms`` -> ``{"k9": "9", "eula": "19", "decisions": {client: {"k9": {...} | null, "eula": ...}}}``;
  ``POST /_sim/forms {"k9": "10", "eula": "20"}`` sets the current subAppVersions.
* ``GET /_sim/clients``; ``POST /_sim/clients {"client_id", "client_secret"}`` adds a client.
* ``GET|POST|DELETE /_sim/hostile`` -> the hostile-text setting / switch it on (see hostile.py) / off.
* ``GET /_sim/ratelimit`` -> ``{"qps", "daily_quota", "frozen", "now"}``; ``POST /_sim/ratelimit`` with any of
  ``{"qps": n, "daily_quota": n | null, "freeze": bool, "advance": s}`` changes the limits, freezes (or lets
  run) the per-second limit's clock, and steps it; a reset restores the start-up limits and real time.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from portal.cisco.simulator.config import ClientConfig
from portal.cisco.simulator.hostile import HostileText
from portal.cisco.simulator.wire import Request, Response, app_error, json_response

if TYPE_CHECKING:
    from portal.cisco.simulator.app import Simulator


def _number(body: dict[str, Any], key: str) -> float:
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise app_error("INVALID_INPUT", detail=f"{key} must be a number.")
    return float(value)


def clock(sim: Simulator, request: Request, path_args: dict[str, str]) -> Response:
    """Read or move the simulated clock."""
    if request.method == "POST":
        body = request.json()
        if "advance" in body:
            sim.clock.advance(_number(body, "advance"))
        elif "offset" in body:
            sim.clock.set_offset(_number(body, "offset"))
        else:
            raise app_error("INVALID_INPUT", detail='Send {"advance": seconds} or {"offset": seconds}.')
    return json_response(200, sim.clock.describe())


def faults(sim: Simulator, request: Request, path_args: dict[str, str]) -> Response:
    """List, arm or disarm faults."""
    if request.method == "POST":
        try:
            fault = sim.faults.add(request.json())
        except ValueError as exc:
            raise app_error("INVALID_INPUT", detail=str(exc)) from None
        return json_response(201, fault.describe())
    if request.method == "DELETE":
        sim.faults.clear()
    return json_response(200, {"faults": sim.faults.describe(), "held": sim.faults.held()})


def release(sim: Simulator, request: Request, path_args: dict[str, str]) -> Response:
    """Let the requests held by hold faults go on (those of one fault with ``{"id": N}``)."""
    body = request.json() if request.body.strip() else {}
    fault_id = body.get("id")
    if fault_id is not None and (isinstance(fault_id, bool) or not isinstance(fault_id, int)):
        raise app_error("INVALID_INPUT", detail="id must be the id of a fault.")
    return json_response(200, {"released": sim.faults.release(fault_id)})


def log(sim: Simulator, request: Request, path_args: dict[str, str]) -> Response:
    """The requests received (not counting /_sim/ itself), or clear them."""
    if request.method == "DELETE":
        sim.log.clear()
    return json_response(200, {"requests": sim.log.entries()})


def reset(sim: Simulator, request: Request, path_args: dict[str, str]) -> Response:
    """Back to a freshly started simulator (tokens kept unless asked)."""
    body = request.json() if request.body.strip() else {}
    sim.reset(tokens=bool(body.get("tokens")))
    return json_response(200, {"reset": True})


def forms(sim: Simulator, request: Request, path_args: dict[str, str]) -> Response:
    """Read or set the forms' current subAppVersions; see each client's decisions."""
    if request.method == "POST":
        body = request.json()
        for form in ("k9", "eula"):
            if form in body:
                value = body[form]
                if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
                    raise app_error("INVALID_INPUT", detail=f"{form} must be a version string.")
                setattr(sim.state, f"{form}_version", str(value).strip())
    decisions = {
        client_id: {
            "k9": asdict(state.k9) if state.k9 else None,
            "eula": asdict(state.eula) if state.eula else None,
        }
        for client_id, state in list(sim.state.clients.items())
    }
    return json_response(200, {"k9": sim.state.k9_version, "eula": sim.state.eula_version, "decisions": decisions})


def clients(sim: Simulator, request: Request, path_args: dict[str, str]) -> Response:
    """List the OAuth clients, or add one."""
    if request.method == "POST":
        body = request.json()
        client_id, secret = body.get("client_id"), body.get("client_secret")
        if not isinstance(client_id, str) or not client_id or not isinstance(secret, str) or not secret:
            raise app_error("INVALID_INPUT", detail="client_id and client_secret are required strings.")
        sim.auth.add_client(ClientConfig(client_id, secret))
        return json_response(201, {"clients": sim.auth.client_ids()})
    return json_response(200, {"clients": sim.auth.client_ids()})


def hostile(sim: Simulator, request: Request, path_args: dict[str, str]) -> Response:
    """Switch hostile upstream text on (POST), off (DELETE), or show the setting (see hostile.py)."""
    if request.method == "POST":
        body = request.json() if request.body.strip() else {}
        try:
            sim.hostile = HostileText.from_json(body)
        except ValueError as exc:
            raise app_error("INVALID_INPUT", detail=str(exc)) from None
    elif request.method == "DELETE":
        sim.hostile = None
    current = sim.hostile
    return json_response(200, current.describe() if current else {"on": False})


def ratelimit(sim: Simulator, request: Request, path_args: dict[str, str]) -> Response:
    """Read or change the rate limits, and freeze or step the clock of the per-second limit."""
    if request.method == "POST":
        body = request.json()
        if "qps" in body:
            sim.limiter.qps = _non_negative(body, "qps")
        if "daily_quota" in body:
            sim.limiter.daily_quota = None if body["daily_quota"] is None else int(_non_negative(body, "daily_quota"))
        if "freeze" in body:
            if not isinstance(body["freeze"], bool):
                raise app_error("INVALID_INPUT", detail="freeze must be true or false.")
            sim.rate_clock.freeze(body["freeze"])
        if "advance" in body:
            sim.rate_clock.advance(_non_negative(body, "advance"))
    return json_response(
        200,
        {
            "qps": sim.limiter.qps,
            "daily_quota": sim.limiter.daily_quota,
            "frozen": sim.rate_clock.frozen,
            "now": sim.rate_clock.now(),
        },
    )


def _non_negative(body: dict[str, Any], key: str) -> float:
    value = _number(body, key)
    if value < 0:
        raise app_error("INVALID_INPUT", detail=f"{key} must not be negative.")
    return value
