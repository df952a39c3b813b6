"""Command line of the simulator, shared by ``python -m portal.cisco.simulator`` and ``manage.py simulator``.

It needs nothing but the standard library, like the rest of the simulator.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from portal.cisco.simulator import catalog_build
from portal.cisco.simulator.app import Simulator
from portal.cisco.simulator.catalog import CatalogError, load_catalog
from portal.cisco.simulator.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PORT,
    DEFAULT_QPS,
    GATEWAYS,
    ClientConfig,
    SimulatorConfig,
    default_catalog_path,
    parse_client,
)
from portal.cisco.simulator.server import SimulatorServer

DESCRIPTION = "Run the Cisco ASD API v4.0 simulator (an HTTP server answering the spec's endpoints)."


def _client(text: str) -> ClientConfig:
    try:
        return parse_client(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the simulator's options to a parser (also used by the Django command)."""
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"TCP port (default {DEFAULT_PORT}; 0 = any)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--catalog",
        type=Path,
        default=None,
        help="catalog JSON (default $PORTAL_SIMULATOR_CATALOG or data/catalog.json)",
    )
    parser.add_argument("--qps", type=float, default=DEFAULT_QPS, help="API calls per second per client (0 = no limit)")
    parser.add_argument("--daily-quota", type=int, default=None, help="API calls per client per day (default none)")
    parser.add_argument("--clock-offset", type=float, default=0.0, help="start the simulated clock this many s ahead")
    parser.add_argument("--control", action="store_true", help="enable the /_sim/ control API (tests, demos)")
    parser.add_argument(
        "--client",
        dest="clients",
        action="append",
        type=_client,
        metavar="ID:SECRET",
        help=f"an OAuth client (repeatable; default {DEFAULT_CLIENT_ID}:{DEFAULT_CLIENT_SECRET})",
    )
    parser.add_argument("--public-url", default=None, help="base URL for links and download URLs (default: Host)")
    parser.add_argument("--access-log", action="store_true", help="print one line per request to stderr")
    parser.add_argument(
        "--gateway",
        choices=GATEWAYS,
        default="spec",
        help="spec (default): bad tokens and rate limits answer the spec's 403s; modern: 401, and 429 with Retry-After",
    )
    parser.add_argument(
        "--strict", action="store_true", help="refuse field spellings, types and values the spec does not give"
    )
    parser.add_argument("--generate-catalog", type=int, metavar="N", help="write a catalog of N PIDs and exit")
    parser.add_argument("--out", type=Path, help="where --generate-catalog writes the catalog")
    parser.add_argument("--seed", type=int, default=0, help="seed of --generate-catalog (default 0)")
    parser.add_argument("--image-size", type=int, default=None, help="give every generated image this size")


def config_from_options(options: Mapping[str, Any]) -> SimulatorConfig:
    """A :class:`SimulatorConfig` from parsed options."""
    kwargs: dict[str, Any] = {
        "host": options["host"],
        "port": options["port"],
        "catalog_path": options.get("catalog") or default_catalog_path(),
        "qps": options["qps"],
        "daily_quota": options.get("daily_quota"),
        "clock_offset": options.get("clock_offset") or 0.0,
        "control": bool(options.get("control")),
        "public_url": options.get("public_url"),
        "access_log": bool(options.get("access_log")),
        "gateway": options.get("gateway") or "spec",
        "strict": bool(options.get("strict")),
    }
    if options.get("clients"):
        kwargs["clients"] = tuple(options["clients"])
    return SimulatorConfig(**kwargs)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(config: SimulatorConfig, *, out: Any = None) -> None:
    """Load the catalog, listen, print where, and serve until interrupted (SIGINT or SIGTERM)."""
    out = out or sys.stdout
    catalog = load_catalog(config.catalog_path)
    server = SimulatorServer((config.host, config.port), Simulator(config, catalog))
    signal.signal(signal.SIGTERM, _stop)
    out.write(
        f"ASD API simulator listening on {server.url} "
        f"(catalog {config.catalog_path}: {len(catalog.products)} PIDs, {len(catalog.images_by_guid)} images; "
        f"token URL {server.url}/oauth2/default/v1/token; gateway {config.gateway}"
        f"{'; strict' if config.strict else ''}; control API {'on' if config.control else 'off'})\n"
    )
    out.flush()
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def generate_catalog(options: Mapping[str, Any]) -> str:
    """``--generate-catalog N --out FILE``: write a synthetic catalog with its digests; return a summary line.

    Raises :class:`CatalogError` (a one-line message) for a bad count, a missing ``--out`` or a file that
    cannot be written.
    """
    count, out = options["generate_catalog"], options.get("out")
    if count < 1:
        raise CatalogError("--generate-catalog needs a positive number of PIDs")
    if out is None:
        raise CatalogError("--generate-catalog needs --out FILE")
    if options.get("image_size") is not None and options["image_size"] < 0:
        raise CatalogError("--image-size must not be negative")
    catalog = catalog_build.generate(count, seed=options.get("seed") or 0, image_size=options.get("image_size"))
    catalog_build.fill_digests(catalog, previous=None)
    try:
        catalog_build.write(catalog, out)
    except OSError as exc:
        raise CatalogError(f"cannot write {out}: {exc.strerror or exc}") from None
    return f"wrote {out}: {len(catalog['products'])} PIDs"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m portal.cisco.simulator``: serve, or generate a catalog and exit."""
    parser = argparse.ArgumentParser(prog="python -m portal.cisco.simulator", description=DESCRIPTION)
    add_arguments(parser)
    options = vars(parser.parse_args(argv))
    try:
        if options["generate_catalog"] is not None:
            print(generate_catalog(options))
        else:
            run(config_from_options(options))
    except CatalogError as exc:
        print(f"simulator: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"simulator: cannot listen on {options['host']}:{options['port']}: {exc}", file=sys.stderr)
        return 2
    return 0
