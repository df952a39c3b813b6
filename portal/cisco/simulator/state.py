"""Mutable simulator state: per-client form decisions, metadata transactions and download grants.

One OAuth client is one Cisco user, so K9 and EULA decisions are kept per client id, each with the form's
``subAppVersion`` at the time of the decision: bumping a form's version (``POST /_sim/forms``) makes earlier
acceptances stale, as a new revision of Cisco's form would. Transactions and grants expire on the simulator
clock; expired ones are kept a while longer so that a late caller hears "expired", not "unknown".
"""

from __future__ import annotations

import base64
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from portal.cisco.simulator.config import (
    DEFAULT_EULA_VERSION,
    DEFAULT_K9_VERSION,
    DOWNLOAD_LIFETIME,
    TRANSACTION_LIFETIME,
)

ACCEPTED = "Accepted"
DECLINED = "Declined"
_SWEEP_EVERY = 10_000  # insertions between sweeps of long-dead entries
_KEEP_EXPIRED = 86_400  # seconds an expired entry is still recognised as "expired"


@dataclass(frozen=True)
class FormDecision:
    """A client's answer to a K9 or EULA form."""

    status: str  # ACCEPTED or DECLINED, as posted
    sub_app_version: str
    decided_at: float
    comments: str = ""
    file_names: str = ""
    export_refused: bool = False  # K9 answered as an entity export rules refuse (K9_REJECTED on crypto images)


@dataclass(frozen=True)
class Transaction:
    """A metadataTransId and the image GUIDs the metadata call that issued it returned."""

    trans_id: str
    client_id: str
    pid: str  # the catalog's PID the metadata call was about
    guids: frozenset[str]
    created: float

    def expired(self, now: float) -> bool:
        """True once the transaction is older than its lifetime."""
        return now >= self.created + TRANSACTION_LIFETIME


@dataclass(frozen=True)
class Grant:
    """One sessionalized download URL: who may fetch which image, until when, and by which codes."""

    code: str  # the dwnld_code (default) or the path code (cloud)
    session_id: str
    client_id: str
    guid: str
    delivery: str
    cloud_token: str
    file_code: str  # names the byte URL the redirects lead to
    created: float
    signature: str = ""  # the cloud URL's __gda__ query parameter (a CDN's signed-URL check)

    def expired(self, now: float) -> bool:
        """True once the URL is older than its lifetime."""
        return now >= self.created + DOWNLOAD_LIFETIME


@dataclass
class ClientState:
    """The forms one client has answered."""

    k9: FormDecision | None = None
    eula: FormDecision | None = None


def cloud_token() -> str:
    """A cloud download token shaped like the spec's sample (``4-asdfasdfasdf%252Fpo7iQchQ...`` once posted).

    It holds ``%2F``, ``+``, ``/`` and ``=``, each of which a client must form-encode in the POSTed body:
    sent raw, ``%2F`` would arrive as ``/`` and ``+`` as a space, and the token would not match.
    """
    encoded = base64.b64encode(secrets.token_bytes(30)).decode("ascii")
    return f"4-{secrets.token_hex(6)}%2F{encoded[:20]}+{encoded[20:]}/{secrets.token_hex(4)}=="


def numeric_id() -> str:
    """A random 18-digit numeric id (the samples' metadataTransId and sessionId look like this)."""
    return str(10**17 + secrets.randbelow(9 * 10**17))


@dataclass
class SimState:
    """All per-client and per-transaction state, guarded by one lock."""

    k9_version: str = DEFAULT_K9_VERSION
    eula_version: str = DEFAULT_EULA_VERSION
    clients: dict[str, ClientState] = field(default_factory=dict)
    transactions: dict[str, Transaction] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)  # by code
    files: dict[str, Grant] = field(default_factory=dict)  # by file_code
    _inserts: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reset(self) -> None:
        """Forget every decision, transaction and grant; restore the default form versions."""
        with self._lock:
            self.k9_version, self.eula_version = DEFAULT_K9_VERSION, DEFAULT_EULA_VERSION
            self.clients.clear()
            self.transactions.clear()
            self.grants.clear()
            self.files.clear()

    # -- forms ------------------------------------------------------------------------------------------------

    def client(self, client_id: str) -> ClientState:
        """The state of one client (created empty on first use)."""
        with self._lock:
            return self.clients.setdefault(client_id, ClientState())

    def record_decision(self, client_id: str, form: str, decision: FormDecision) -> None:
        """Store a client's K9 (``form="k9"``) or EULA (``form="eula"``) decision."""
        with self._lock:
            setattr(self.clients.setdefault(client_id, ClientState()), form, decision)

    def _current(self, client_id: str, form: str) -> FormDecision | None:
        decision: FormDecision | None = getattr(self.client(client_id), form)
        current = self.k9_version if form == "k9" else self.eula_version
        return decision if decision is not None and decision.sub_app_version == current else None

    def form_status(self, client_id: str, form: str) -> str | None:
        """ACCEPTED/DECLINED for a decision on the form's current version, else None (never answered or stale)."""
        decision = self._current(client_id, form)
        return decision.status if decision else None

    def export_refused(self, client_id: str) -> bool:
        """Whether the client's current K9 answer describes an entity that export rules refuse."""
        decision = self._current(client_id, "k9")
        return bool(decision and decision.export_refused)

    # -- transactions and grants ------------------------------------------------------------------------------

    def new_transaction(self, client_id: str, pid: str, guids: frozenset[str], now: float) -> Transaction:
        """Issue a metadataTransId remembering the PID and ``guids``."""
        with self._lock:
            trans_id = _unique(self.transactions)
            txn = Transaction(trans_id, client_id, pid, guids, now)
            self.transactions[trans_id] = txn
            self._maybe_sweep(now)
            return txn

    def transaction(self, trans_id: str) -> Transaction | None:
        """The transaction with this id, expired or not, or None."""
        with self._lock:
            return self.transactions.get(trans_id)

    def new_grant(self, *, session_id: str, client_id: str, guid: str, delivery: str, now: float) -> Grant:
        """Issue a download URL's codes for one image."""
        with self._lock:
            code = secrets.token_urlsafe(96)
            grant = Grant(
                code=code,
                session_id=session_id,
                client_id=client_id,
                guid=guid,
                delivery=delivery,
                cloud_token=cloud_token() if delivery == "cloud" else "",
                file_code=secrets.token_urlsafe(24),
                created=now,
                signature=secrets.token_hex(16) if delivery == "cloud" else "",
            )
            self.grants[code] = grant
            self.files[grant.file_code] = grant
            self._maybe_sweep(now)
            return grant

    def grant(self, code: str) -> Grant | None:
        """The grant for a dwnld_code or cloud path code."""
        with self._lock:
            return self.grants.get(code)

    def file_grant(self, file_code: str) -> Grant | None:
        """The grant behind a byte URL."""
        with self._lock:
            return self.files.get(file_code)

    def _maybe_sweep(self, now: float) -> None:
        self._inserts += 1
        if self._inserts % _SWEEP_EVERY:
            return
        horizon = now - _KEEP_EXPIRED
        for table in (self.transactions, self.grants, self.files):
            for key in [k for k, v in table.items() if v.created + TRANSACTION_LIFETIME < horizon]:
                del table[key]


def _unique(table: Mapping[str, object]) -> str:
    while (candidate := numeric_id()) in table:
        continue
    return candidate
