"""Start-up settings of one simulator process (what the command line or a test fixture chose)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_CLIENT_ID = "depot-demo"
DEFAULT_CLIENT_SECRET = "depot-demo-secret"  # noqa: S105 - the documented demo credential of a test double
DEFAULT_PORT = 8001
DEFAULT_QPS = 5.0
DEFAULT_CATALOG = Path(__file__).resolve().parent / "data" / "catalog.json"
CATALOG_ENV = "PORTAL_SIMULATOR_CATALOG"

TOKEN_LIFETIME = 3599
"""Seconds an access token lives (the ``expires_in`` Cisco's token endpoint answers)."""
TRANSACTION_LIFETIME = 3600
"""Seconds a metadataTransId stays valid (the spec: 60 minutes)."""
DOWNLOAD_LIFETIME = 3600
"""Seconds a sessionalized download URL stays valid (the spec: 60 minutes)."""
GATEWAYS = ("spec", "modern")
DEFAULT_K9_VERSION = "9"
DEFAULT_EULA_VERSION = "19"


@dataclass(frozen=True)
class ClientConfig:
    """One OAuth client (one Cisco user): its credentials and the userDetails the K9 form shows."""

    client_id: str
    client_secret: str = field(repr=False)

    def user_details(self) -> dict[str, str]:
        """The ``userDetails`` block of GET compliance/k9 for this client (derived from its id)."""
        words = [w for w in self.client_id.replace("_", "-").split("-") if w] or [self.client_id]
        first = words[0].capitalize()
        last = " ".join(w.capitalize() for w in words[1:]) or "User"
        return {
            "userId": self.client_id,
            "firstname": first,
            "fullname": f"{first} {last}",
            "lastname": last,
            "userEmail": f"{self.client_id}@example.com",
        }


def parse_client(text: str) -> ClientConfig:
    """Parse ``ID:SECRET`` (the secret may itself contain colons)."""
    client_id, sep, secret = text.partition(":")
    if not sep or not client_id or not secret:
        raise ValueError("a client is given as ID:SECRET")
    return ClientConfig(client_id, secret)


def default_catalog_path() -> Path:
    """The catalog used when none is named: ``$PORTAL_SIMULATOR_CATALOG`` or the packaged data/catalog.json."""
    env = os.environ.get(CATALOG_ENV)
    return Path(env) if env else DEFAULT_CATALOG


@dataclass(frozen=True)
class SimulatorConfig:
    """Everything one simulator process is started with."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    catalog_path: Path = field(default_factory=default_catalog_path)
    qps: float = DEFAULT_QPS  # 0 disables the per-second limit
    daily_quota: int | None = None
    clock_offset: float = 0.0
    control: bool = False
    clients: tuple[ClientConfig, ...] = (ClientConfig(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),)
    public_url: str | None = None  # base of selfLinks and download URLs; default: from the request's Host
    access_log: bool = False
    gateway: str = "spec"  # "spec": the spec's 403s; "modern": 401 for bad tokens, 429 + Retry-After for limits
    strict: bool = False  # refuse spellings and values the spec does not give (INVALID_INPUT)
