"""One upstream request budget shared by every process, built on the ``limits`` package's moving window.

Cisco counts queries per second per API client, whichever of our web or worker processes sends them, so
the budget lives in shared storage:

* ``redis://...`` in production (every process on every machine). ``limits``' own Redis storage is used,
  with one change in :class:`RedisWindowStorage`: its window may be a fraction of a second (see below).
* ``sqlite:///<absolute path>`` for the embedded defaults (every process of one machine): there is no Redis
  then, and ``limits``' memory storage is per process. :class:`SQLiteStorage` keeps the moving window in a
  small SQLite file under ``var/``: each hit is one ``BEGIN IMMEDIATE`` transaction, which SQLite serialises
  across processes with its file lock, so check-then-insert is atomic; the timestamp is taken inside that
  transaction, so hits are recorded in the order they were granted. WAL mode and synchronous=NORMAL keep a
  hit at well under a millisecond (no fsync per commit; losing the last hits in a power cut is harmless).
  SQLite was chosen over a lock file + JSON, or Django's database cache, because it gives an atomic
  read-modify-write with an index, needs no server, and is already a dependency of the embedded stack.
* ``memory://`` for a single process (tests, scripts).

Safety margin: the limiter grants hit ``i + N`` no sooner than ``window = N / qps + margin`` seconds after hit
``i`` (``margin`` 0.1 s by default). Requests reach the server a little after they were granted, by a delay
that varies (scheduling, connection set-up); if hit ``i`` is delayed by ``d`` and hit ``i + N`` is not, the
server would see N + 1 requests within ``1 - d`` seconds with a window of exactly 1 s. With the margin, no
1.0 s window at the server holds more than N requests as long as arrival jitter stays below the margin. It
costs 10% of the budget at 1 QPS and less above (5 QPS -> about 4.5).

``limits`` items count in whole seconds; :class:`_Window` passes the fractional window through, which both
storages here accept (the stock Redis script would pass it to EXPIRE, which wants an integer).
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from limits import RateLimitItemPerSecond
from limits.storage import MovingWindowSupport, RedisStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from portal.cisco.exceptions import RateLimited

__all__ = [
    "NoRateLimit",
    "RateLimiter",
    "RedisWindowStorage",
    "SQLiteStorage",
    "SharedRateLimiter",
    "storage_for",
    "window_for",
]

logger = logging.getLogger("portal.cisco.ratelimit")


class RateLimiter(Protocol):
    """Blocks until one more upstream request may be sent."""

    def acquire(self, *, deadline: float | None = None) -> float:
        """Wait for a slot (at most until ``deadline``, a ``time.monotonic()`` value); return seconds waited."""


class NoRateLimit:
    """A limiter that never waits (tests, or an upstream without limits)."""

    def acquire(self, *, deadline: float | None = None) -> float:
        """Return at once."""
        return 0.0


def window_for(qps: float, margin: float) -> tuple[int, float]:
    """(hits, window seconds) for a rate: ``floor(qps)`` hits (at least 1) per ``hits / qps + margin`` s."""
    if qps <= 0:
        raise ValueError("qps must be positive")
    hits = max(1, int(qps))
    return hits, hits / qps + max(0.0, margin)


class _Window(RateLimitItemPerSecond):
    """A moving-window item whose window is any number of seconds, fractions included."""

    __slots__ = ("window",)

    def __init__(self, amount: int, window: float, namespace: str) -> None:
        super().__init__(amount, 1, namespace)
        self.window = window

    def get_expiry(self) -> float:  # type: ignore[override]
        return self.window

    def key_for(self, *identifiers: bytes | str | int | float) -> str:
        parts = [self.namespace, *(str(i) for i in identifiers), str(self.amount), f"{round(self.window * 1000)}ms"]
        return "/".join(parts)


class SharedRateLimiter:
    """A blocking moving-window limiter at ``qps`` over a ``limits`` storage shared by all processes."""

    def __init__(
        self,
        storage: Storage,
        *,
        qps: float,
        key: str,
        margin: float = 0.1,
        max_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not isinstance(storage, MovingWindowSupport):
            raise ValueError(f"{type(storage).__name__} does not support the moving window")
        self.storage = storage
        self.qps = qps
        self.hits, self.window = window_for(qps, margin)
        self._item = _Window(self.hits, self.window, "depot-asd")
        self.key = key  # shared by every process that shares the budget
        self._limiter = MovingWindowRateLimiter(storage)
        self._max_wait = max_wait
        self._sleep = sleep
        self._clock = clock  # the storage's clock (epoch seconds): tests inject one into both

    def __repr__(self) -> str:
        return f"<SharedRateLimiter {self.hits} per {self.window:.3f}s on {type(self.storage).__name__}>"

    def acquire(self, *, deadline: float | None = None) -> float:
        """Wait for a slot; raise RateLimited if none frees up before ``deadline`` or ``max_wait``."""
        started = time.monotonic()
        give_up = started + self._max_wait if deadline is None else min(deadline, started + self._max_wait)
        while True:
            if self._limiter.hit(self._item, self.key):
                return time.monotonic() - started
            # A window may be a fraction of a second: both storages here take a float where limits' types say int.
            window: Any = self.window
            oldest, count = self.storage.get_moving_window(self._item.key_for(self.key), self.hits, window)
            wait = oldest + self.window - self._clock() if count >= self.hits else 0.0
            # A few ms of jitter so that processes woken for the same slot do not retry in lock step.
            wait = max(wait, 0.001) + random.uniform(0, 0.005)  # noqa: S311 - jitter, not cryptography
            if time.monotonic() + wait > give_up:
                raise RateLimited(f"no upstream request slot within {give_up - started:.1f} s (local limiter)")
            self._sleep(wait)


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
        """Record ``amount`` hits now if the window holds room for them."""
        if amount > limit:
            return False
        with self._write() as db:
            now = self._clock()
            row = db.execute(
                "SELECT ts FROM window_hits WHERE key = ? ORDER BY ts DESC LIMIT 1 OFFSET ?", (key, limit - amount)
            ).fetchone()
            if row is not None and row[0] >= now - expiry:
                return False
            db.executemany("INSERT INTO window_hits (key, ts) VALUES (?, ?)", [(key, now)] * amount)
            db.execute("DELETE FROM window_hits WHERE key = ? AND ts < ?", (key, now - expiry))
            return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
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

# limits' acquire script, written again so the key's TTL is set with PEXPIRE from a fractional window.
_ACQUIRE_LUA = """
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local amount = tonumber(ARGV[4])
if amount > limit then
    return false
end
local keep = tonumber(ARGV[5])
local boundary = redis.call('LINDEX', KEYS[1], limit - amount)
if boundary and tonumber(boundary) >= now - window then
    return false
end
for i = 1, amount do
    redis.call('LPUSH', KEYS[1], ARGV[1])
end
redis.call('LTRIM', KEYS[1], 0, limit - 1)
redis.call('PEXPIRE', KEYS[1], math.ceil(math.max(window, keep) * 1000))
return true
"""


class RedisWindowStorage(RedisStorage):
    """``limits``' Redis storage with a moving window that may be a fraction of a second long.

    Not registered under a URL scheme (``redis://`` keeps meaning the stock class); :func:`storage_for`
    picks it for Redis URLs.
    """

    SCRIPT_ACQUIRE_MOVING_WINDOW: Any = _ACQUIRE_LUA  # text; limits registers it as it does its own bytes

    def __init__(self, uri: str, clock: Callable[[], float] = time.time, keep: float = 0.0, **options: Any) -> None:
        super().__init__(uri, **options)
        # Tests inject a clock that moves only when they say; the key's time to live is real time, so such a
        # test also asks the key to be kept at least ``keep`` seconds (normally it lives one window).
        self._clock = clock
        self._keep = keep

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Record ``amount`` hits now if the window holds room for them."""
        timestamp = repr(self._clock())  # full precision, as text, so Lua does not round it
        args: list[str | float] = [timestamp, limit, expiry, amount, self._keep]
        return bool(self.lua_acquire_moving_window([self.prefixed_key(key)], args))

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """(oldest hit in the window among the last ``limit``, how many), on this storage's clock."""
        timestamp = self._clock()
        if window := self.lua_moving_window([self.prefixed_key(key)], [timestamp - expiry, limit]):
            return float(window[0]), window[1]
        return timestamp, 0


_REDIS_SCHEMES = frozenset({"redis", "rediss", "redis+unix", "valkey", "valkeys", "valkey+unix"})


def storage_for(url: str, *, clock: Callable[[], float] | None = None, keep: float = 0.0) -> Storage:
    """A moving-window storage for ``url``: ``redis://...``, ``sqlite:///path`` or ``memory://``.

    ``clock`` (epoch seconds) and ``keep`` are for tests that run the limiter on a clock of their own.
    """
    scheme = urlsplit(url).scheme
    if scheme in _REDIS_SCHEMES:
        return RedisWindowStorage(url, clock=clock or time.time, keep=keep)
    if scheme == "sqlite":
        return SQLiteStorage(url, clock=clock or time.time)
    storage = storage_from_string(url)
    if not isinstance(storage, Storage) or not isinstance(storage, MovingWindowSupport):
        raise ValueError(f"rate-limit storage {scheme}:// does not support a moving window")
    return storage
