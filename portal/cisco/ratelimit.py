"""One upstream request budget shared by every process: a moving window of request stamps in shared storage.

Cisco counts queries per second per API client, whichever of our web or worker processes sends them, so
the budget lives in shared storage:

* ``redis://...`` in production (every process on every machine): :class:`RedisWindowStorage`, a sorted set per
  budget (score: the stamp) kept by three Lua scripts on ``limits``' Redis storage (connection, script loading).
* ``sqlite:///<absolute path>`` for the embedded defaults (every process of one machine): there is no Redis
  then. :class:`SQLiteStorage` keeps the moving window in a small SQLite file under ``var/``: each hit is one
  ``BEGIN IMMEDIATE`` transaction, which SQLite serialises across processes with its file lock, so
  check-then-insert is atomic; the timestamp is taken inside that transaction, so hits are recorded in the order
  they were granted. WAL mode and synchronous=NORMAL keep a hit at well under a millisecond (no fsync per commit;
  losing the last hits in a power cut is harmless). SQLite was chosen over a lock file + JSON, or Django's
  database cache, because it gives an atomic read-modify-write with an index, needs no server, and is already a
  dependency of the embedded stack.
* ``memory://`` for a single process (tests, scripts): :class:`MemoryWindowStorage`.

When a request counts: the upstream counts it on arrival, which comes after our grant (the hit's stamp ``g``)
and before we read its answer (``r``). With ``N = floor(qps)``, a hit stays in the window until ``N / qps``
seconds after ``min(r, g + margin)`` (``margin``: ``PORTAL_UPSTREAM_QPS_MARGIN``, 0.1 s by default), and a hit
is granted only while fewer than N are in it. So any N + 1 requests reach the upstream over at least ``N / qps``
seconds (1 s at a whole-number rate) as long as each arrives before its bound: before ``r`` it always does; the
margin covers a request whose answer takes longer than the margin, if it arrives within the margin of its grant
(scheduling, connection set-up, the path to the upstream). In storage a hit is stamped ``g`` in a window of
``N / qps + margin`` seconds, and an answer within the margin moves the stamp back to ``r - margin``. Stamps
only ever move back: every grant was checked against stamps no earlier than the final ones.

What that costs: answers on loopback take 10-30 ms, so at 5 QPS a hit frees its place 1.01-1.03 s after its
grant instead of 1.1 s (bench/catalog_refresh.py). Where answers take longer than the margin (the internet), the
margin costs 10% of the budget at a whole-number rate (5 QPS -> about 4.5). A request that reached the upstream
later than the margin after its grant, while its answer took longer still, could be one too many in a second:
the upstream refuses it, and the client waits (``Retry-After``, else a backoff from 0.5 s) and retries it, up to
``PORTAL_UPSTREAM_RATE_LIMIT_RETRIES`` (8) times, the refused attempt spending one slot. Should refusals show
up (a slow or congested link), raise the margin: 0.2 s, say.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from limits.storage import MovingWindowSupport, RedisStorage, Storage

from portal.cisco.exceptions import RateLimited

__all__ = [
    "MemoryWindowStorage",
    "NoRateLimit",
    "RateLimiter",
    "RedisWindowStorage",
    "SQLiteStorage",
    "SharedRateLimiter",
    "Slot",
    "WindowStorage",
    "storage_for",
    "window_for",
]

logger = logging.getLogger("portal.cisco.ratelimit")


@dataclass(frozen=True)
class Slot:
    """A granted request: its stamp in the shared window (None without a limiter) and the seconds waited for it."""

    stamp: float | None
    waited: float


class RateLimiter(Protocol):
    """Blocks until one more upstream request may be sent; told when its answer came."""

    def acquire(self, *, deadline: float | None = None) -> Slot:
        """Wait for a slot (at most until ``deadline``, a ``time.monotonic()`` value)."""

    def answered(self, slot: Slot) -> None:
        """The request sent in ``slot`` has been answered: the upstream has counted it by now."""


class NoRateLimit:
    """A limiter that never waits (tests, or an upstream without limits)."""

    def acquire(self, *, deadline: float | None = None) -> Slot:
        """Return at once."""
        return Slot(None, 0.0)

    def answered(self, slot: Slot) -> None:
        """Nothing to record."""


class WindowStorage(Protocol):
    """A moving window of stamps (epoch seconds) per key; a stamp counts while it is at least ``now - window``."""

    def acquire_stamp(self, key: str, limit: int, window: float) -> float | None:
        """Record a hit stamped now and return the stamp, if fewer than ``limit`` stamps count; else None."""

    def get_moving_window(self, key: str, limit: int, expiry: float) -> tuple[float, int]:
        """(the oldest of the ``limit`` latest stamps that count, how many count), or (now, 0)."""

    def lower_stamp(self, key: str, stamp: float, to: float) -> None:
        """Move one hit stamped ``stamp`` back to ``to``; never forward, and nothing if there is no such hit."""


def window_for(qps: float, margin: float) -> tuple[int, float]:
    """(hits, window seconds) for a rate: ``floor(qps)`` hits (at least 1) per ``hits / qps + margin`` s."""
    if qps <= 0:
        raise ValueError("qps must be positive")
    hits = max(1, int(qps))
    return hits, hits / qps + max(0.0, margin)


class SharedRateLimiter:
    """A blocking moving-window limiter at ``qps`` over a storage shared by all processes."""

    def __init__(
        self,
        storage: WindowStorage,
        *,
        qps: float,
        key: str,
        margin: float = 0.1,
        max_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.storage = storage
        self.qps = qps
        self.hits, self.window = window_for(qps, margin)
        self.margin = self.window - self.hits / qps
        self.key = key  # shared by every process that shares the budget
        # "z": Redis keeps the stamps in a sorted set since answers move them back; older versions kept a list
        # under the old name, and the two must not meet on one key during an upgrade.
        self._key = f"depot-asd-z/{key}/{self.hits}/{round(self.window * 1000)}ms"
        self._max_wait = max_wait
        self._sleep = sleep
        self._clock = clock  # the storage's clock (epoch seconds): tests inject one into both

    def __repr__(self) -> str:
        return f"<SharedRateLimiter {self.hits} per {self.window:.3f}s on {type(self.storage).__name__}>"

    def acquire(self, *, deadline: float | None = None) -> Slot:
        """Wait for a slot; raise RateLimited if none frees up before ``deadline`` or ``max_wait``."""
        started = time.monotonic()
        give_up = started + self._max_wait if deadline is None else min(deadline, started + self._max_wait)
        while True:
            stamp = self.storage.acquire_stamp(self._key, self.hits, self.window)
            if stamp is not None:
                return Slot(stamp, time.monotonic() - started)
            oldest, count = self.storage.get_moving_window(self._key, self.hits, self.window)
            wait = oldest + self.window - self._clock() if count >= self.hits else 0.0
            # A few ms of jitter so that processes woken for the same slot do not retry in lock step.
            wait = max(wait, 0.001) + random.uniform(0, 0.005)  # noqa: S311 - jitter, not cryptography
            if time.monotonic() + wait > give_up:
                raise RateLimited(f"no upstream request slot within {give_up - started:.1f} s (local limiter)")
            self._sleep(wait)

    def answered(self, slot: Slot) -> None:
        """An answer within the margin of the grant: the hit leaves the window ``hits / qps`` after the answer."""
        back = self._clock() - self.margin
        if slot.stamp is None or back >= slot.stamp:
            return
        try:
            self.storage.lower_stamp(self._key, slot.stamp, back)
        except Exception:  # the request went through; a stamp left as it was only costs the margin
            logger.warning("could not move a rate-limit stamp back on %r", self, exc_info=True)


# --- memory storage (one process) -------------------------------------------------------------------------


class MemoryWindowStorage:
    """The moving window in this process's memory (``memory://``)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._stamps: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def acquire_stamp(self, key: str, limit: int, window: float) -> float | None:
        """Record a hit now if fewer than ``limit`` stamps count."""
        with self._lock:
            now = self._clock()
            stamps = self._stamps[key] = [s for s in self._stamps.get(key, []) if s >= now - window]
            if len(stamps) >= limit:
                return None
            stamps.append(now)
            return now

    def get_moving_window(self, key: str, limit: int, expiry: float) -> tuple[float, int]:
        """(oldest of the ``limit`` latest stamps that count, how many) or (now, 0)."""
        with self._lock:
            now = self._clock()
            latest = sorted((s for s in self._stamps.get(key, []) if s >= now - expiry), reverse=True)[:limit]
            return (latest[-1], len(latest)) if latest else (now, 0)

    def lower_stamp(self, key: str, stamp: float, to: float) -> None:
        """Move one hit stamped ``stamp`` back to ``to``."""
        with self._lock:
            stamps = self._stamps.get(key, [])
            if to < stamp and stamp in stamps:
                stamps[stamps.index(stamp)] = to


# --- SQLite storage (embedded defaults) -------------------------------------------------------------------

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS window_hits (key TEXT NOT NULL, ts REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS window_hits_key_ts ON window_hits (key, ts)",
    "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires_at REAL NOT NULL)",
)


def _sqlite_path(uri: str) -> Path:
    parts = urlsplit(uri)
    path = unquote(parts.netloc + parts.path) if parts.netloc else unquote(parts.path)
    if not path or path == "/":
        raise ValueError("sqlite rate-limit storage needs a file: sqlite:///<absolute path>")
    # "sqlite:////abs/path" (four slashes, SQLAlchemy style) and "sqlite:///abs/path" both mean /abs/path.
    return Path(os.path.normpath("/" + path.lstrip("/")))


class SQLiteStorage(Storage, MovingWindowSupport):
    """``limits`` storage in one SQLite file, shared by the processes of one machine (see the module docstring).

    Connections are per process and per thread (a connection must not cross a fork or a thread).
    """

    STORAGE_SCHEME = ["sqlite"]

    def __init__(
        self,
        uri: str,
        wrap_exceptions: bool = False,
        clock: Callable[[], float] = time.time,
        **options: float | str | bool,
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._clock = clock  # epoch seconds; tests inject a clock that moves only when they say
        self.path = _sqlite_path(uri)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._write() as db:
            for statement in _SCHEMA:
                db.execute(statement)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA busy_timeout = 30000")
            with contextlib.suppress(sqlite3.OperationalError):  # another process may be switching it right now
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Record ``amount`` hits now if the window holds room for them (``limits``' interface)."""
        return self._acquire(key, limit, expiry, amount) is not None

    def acquire_stamp(self, key: str, limit: int, window: float) -> float | None:
        """Record a hit now if the window holds room for it; return its stamp."""
        return self._acquire(key, limit, window, 1)

    def _acquire(self, key: str, limit: int, window: float, amount: int) -> float | None:
        if amount > limit:
            return None
        with self._write() as db:
            now = self._clock()
            # Ordered by stamp, not by insertion: a stamp moved back may now be older than one inserted before it.
            row = db.execute(
                "SELECT ts FROM window_hits WHERE key = ? ORDER BY ts DESC LIMIT 1 OFFSET ?", (key, limit - amount)
            ).fetchone()
            if row is not None and row[0] >= now - window:
                return None
            db.executemany("INSERT INTO window_hits (key, ts) VALUES (?, ?)", [(key, now)] * amount)
            db.execute("DELETE FROM window_hits WHERE key = ? AND ts < ?", (key, now - window))
            return now

    def lower_stamp(self, key: str, stamp: float, to: float) -> None:
        """Move one hit stamped ``stamp`` back to ``to``."""
        with self._write() as db:
            db.execute(
                "UPDATE window_hits SET ts = ? WHERE rowid = "
                "(SELECT rowid FROM window_hits WHERE key = ? AND ts = ? AND ts > ? LIMIT 1)",
                (to, key, stamp, to),
            )

    def get_moving_window(self, key: str, limit: int, expiry: float) -> tuple[float, int]:
        """(oldest hit still in the window among the last ``limit``, how many) or (now, 0)."""
        now = self._clock()
        rows = self._connection().execute(
            "SELECT ts FROM window_hits WHERE key = ? AND ts >= ? ORDER BY ts DESC LIMIT ?", (key, now - expiry, limit)
        )
        stamps = [row[0] for row in rows]
        return (stamps[-1], len(stamps)) if stamps else (now, 0)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Fixed-window counter (``limits``' other strategies); starts a new window when the old one expired."""
        with self._write() as db:
            now = self._clock()
            row = db.execute("SELECT value, expires_at FROM counters WHERE key = ?", (key,)).fetchone()
            if row is None or row[1] <= now:
                value, expires_at = amount, now + expiry
            else:
                value, expires_at = row[0] + amount, row[1]
            db.execute(
                "INSERT OR REPLACE INTO counters (key, value, expires_at) VALUES (?, ?, ?)", (key, value, expires_at)
            )
            return value

    def get(self, key: str) -> int:
        """The counter's value, 0 once expired."""
        row = (
            self._connection()
            .execute("SELECT value FROM counters WHERE key = ? AND expires_at > ?", (key, self._clock()))
            .fetchone()
        )
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        """When the counter's window ends (now if there is none)."""
        row = self._connection().execute("SELECT expires_at FROM counters WHERE key = ?", (key,)).fetchone()
        return row[0] if row else self._clock()

    def check(self) -> bool:
        """Whether the file can be read."""
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every key; return how many rows went."""
        with self._write() as db:
            return db.execute("DELETE FROM window_hits").rowcount + db.execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        """Forget one key."""
        with self._write() as db:
            db.execute("DELETE FROM window_hits WHERE key = ?", (key,))
            db.execute("DELETE FROM counters WHERE key = ?", (key,))


# --- Redis storage (production) ---------------------------------------------------------------------------

# One sorted set per budget: a member per hit, scored with its stamp. limits' own scripts keep a list in
# insertion order, which a stamp moved back would leave out of order. Stamps are passed as text (repr), so Lua and
# Redis read the exact double.
_ACQUIRE_LUA = """
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local amount = tonumber(ARGV[4])
local keep = tonumber(ARGV[5])
if amount > limit then
    return false
end
-- Stamps only move back, so one older than the window never counts again (a second's slack for number text).
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - window - 1))
local boundary = redis.call('ZREVRANGE', KEYS[1], limit - amount, limit - amount, 'WITHSCORES')
if boundary[2] and tonumber(boundary[2]) >= now - window then
    return false
end
for i = 1, amount do
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[6] .. '/' .. i)
end
redis.call('PEXPIRE', KEYS[1], math.ceil(math.max(window, keep) * 1000))
return true
"""

# (oldest of the ARGV[2] latest stamps from ARGV[1] on, how many), or nil.
_WINDOW_LUA = """
local stamps = redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
if #stamps == 0 then
    return false
end
return {stamps[#stamps], #stamps / 2}
"""

_LOWER_LUA = """
local found = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1], 'LIMIT', 0, 1)
if found[1] and tonumber(ARGV[2]) < tonumber(ARGV[1]) then
    redis.call('ZADD', KEYS[1], ARGV[2], found[1])
end
return false
"""


class RedisWindowStorage(RedisStorage):
    """``limits``' Redis storage with our moving window: a sorted set, any window length, stamps that move back.

    Not registered under a URL scheme (``redis://`` keeps meaning the stock class); :func:`storage_for`
    picks it for Redis URLs.
    """

    # Text; limits registers them as it does its own bytes.
    SCRIPT_ACQUIRE_MOVING_WINDOW: Any = _ACQUIRE_LUA
    SCRIPT_MOVING_WINDOW: Any = _WINDOW_LUA

    def __init__(self, uri: str, clock: Callable[[], float] = time.time, keep: float = 0.0, **options: Any) -> None:
        super().__init__(uri, **options)
        # Tests inject a clock that moves only when they say; the key's time to live is real time, so such a
        # test also asks the key to be kept at least ``keep`` seconds (normally it lives one window).
        self._clock = clock
        self._keep = keep

    def initialize_storage(self, uri: str) -> None:
        """Register limits' scripts (ours among them) and the one that moves a stamp back."""
        super().initialize_storage(uri)
        self.lua_lower_stamp = self.get_connection().register_script(_LOWER_LUA.encode())

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Record ``amount`` hits now if the window holds room for them (``limits``' interface)."""
        return self._acquire(key, limit, expiry, amount) is not None

    def acquire_stamp(self, key: str, limit: int, window: float) -> float | None:
        """Record a hit now if the window holds room for it; return its stamp."""
        return self._acquire(key, limit, window, 1)

    def _acquire(self, key: str, limit: int, window: float, amount: int) -> float | None:
        now = self._clock()
        args: list[str | float] = [repr(now), limit, window, amount, self._keep, f"{now!r}/{uuid.uuid4().hex}"]
        return now if self.lua_acquire_moving_window([self.prefixed_key(key)], args) else None

    def get_moving_window(self, key: str, limit: int, expiry: float) -> tuple[float, int]:
        """(oldest hit in the window among the last ``limit``, how many), on this storage's clock."""
        timestamp = self._clock()
        if window := self.lua_moving_window([self.prefixed_key(key)], [repr(timestamp - expiry), limit]):
            return float(window[0]), window[1]
        return timestamp, 0

    def lower_stamp(self, key: str, stamp: float, to: float) -> None:
        """Move one hit stamped ``stamp`` back to ``to``."""
        self.lua_lower_stamp([self.prefixed_key(key)], [repr(stamp), repr(to)])


_REDIS_SCHEMES = frozenset({"redis", "rediss", "redis+unix", "valkey", "valkeys", "valkey+unix"})


def storage_for(url: str, *, clock: Callable[[], float] | None = None, keep: float = 0.0) -> WindowStorage:
    """The window storage for ``url``: ``redis://...``, ``sqlite:///path`` or ``memory://``.

    ``clock`` (epoch seconds) and ``keep`` are for tests that run the limiter on a clock of their own.
    """
    scheme = urlsplit(url).scheme
    if scheme in _REDIS_SCHEMES:
        return RedisWindowStorage(url, clock=clock or time.time, keep=keep)
    if scheme == "sqlite":
        return SQLiteStorage(url, clock=clock or time.time)
    if scheme == "memory":
        return MemoryWindowStorage(clock=clock or time.time)
    raise ValueError(f"rate-limit storage {scheme}:// is not supported: use redis://, sqlite:/// or memory://")
