"""The resumable stream of one image into its partial file, hashed on the way.

Checkpoints: the bytes on disk are the checkpoint. Hash state cannot be saved (hashlib objects do not pickle),
so a resumed transfer re-hashes the partial prefix from disk (at ~550 MB/s, far cheaper than fetching it
again), then asks for the rest with ``Range: bytes=<size on disk>-``. A worker killed with SIGKILL loses
only what the kernel had not yet received from it; whatever is on disk and wrong is caught by the final
sha512 check, which forces one clean retry. A reply that is not a 206 with the expected Content-Range
restarts from zero (a 200 is used as it is, from byte 0; a wrong 206 or a 416 truncates and asks again).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

from downloads.transfer.hashing import Digests, ParallelDigest
from portal.cisco.download import ImageStream
from portal.cisco.exceptions import DownloadError, DownloadInterrupted, RangeMismatch, UpstreamUnavailable

logger = logging.getLogger("downloads.transfer")

SYNC_EVERY = 64 << 20
_SYNCER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="partial-sync")

# Faults after which a resume may help: the stream broke off, the server was briefly unavailable.
RESUMABLE = (DownloadInterrupted, UpstreamUnavailable)


class ByteSource(Protocol):
    """Opens the image's bytes from ``start`` (the service side: URL freshness, redirects, host checks)."""

    def open(self, start: int) -> ImageStream: ...


class TransferAborted(Exception):
    """The progress callback asked to stop (job cancelled, or another run took the job over)."""


class SizeMismatch(DownloadError):
    """The server sent more bytes than the published size, or announced another size."""


ProgressCallback = Callable[[int, int | None], None]


class PartialStream:
    """Fill ``partial`` with the image's bytes from ``source``; :meth:`run` returns the digests of the file."""

    def __init__(
        self,
        source: ByteSource,
        partial: Path,
        *,
        size: int | None,
        progress: ProgressCallback,
        chunk_size: int = 1 << 20,
        max_rate: float = 0,
        attempts: int = 6,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.source = source
        self.partial = partial
        self.size = size
        self.progress = progress
        self.chunk_size = chunk_size
        self.max_rate = max_rate
        self.attempts = attempts
        self.sleep = sleep
        self.digest: ParallelDigest | None = None
        self.offset = 0
        self.resumed_from = 0  # bytes found on disk when this run started (shown in logs and tests)
        self.restarts = 0

    def run(self) -> Digests:
        """Stream to the end (resuming after faults); raise the last error when resumes stop helping."""
        self.digest = ParallelDigest()
        try:
            self._load_prefix()
            failures = 0
            while not self._complete():
                before = self.offset
                try:
                    self._fetch()
                except RESUMABLE as exc:
                    failures = 0 if self.offset > before else failures + 1
                    if failures >= self.attempts:
                        raise
                    delay = min(0.2 * 2**failures, 5.0)
                    logger.warning(
                        "transfer %s: %s at byte %d; resuming in %.1f s",
                        self.partial.name[:12],
                        exc,
                        self.offset,
                        delay,
                    )
                    self.sleep(delay)
                except RangeMismatch as exc:
                    failures += 1
                    if failures >= self.attempts:
                        raise
                    logger.warning("transfer %s: %s; restarting from zero", self.partial.name[:12], exc)
                    self._restart()
            return self.digest.finish()
        finally:
            self.digest.close()

    def _complete(self) -> bool:
        return self.size is not None and self.offset >= self.size

    def _load_prefix(self) -> None:
        """Re-hash what is on disk already (the checkpoint); a partial longer than the image starts over."""
        on_disk = self.partial.stat().st_size if self.partial.exists() else 0
        if self.size is not None and on_disk > self.size:
            on_disk = 0
        with self.partial.open("ab") as handle:
            handle.truncate(on_disk)
        if on_disk:
            self.digest.feed_file(self.partial, length=on_disk, chunk_size=self.chunk_size)
        self.offset = self.resumed_from = on_disk
        self.progress(self.offset, self.size)

    def _restart(self) -> None:
        self.restarts += 1
        self.digest.close()
        self.digest = ParallelDigest()
        with self.partial.open("ab") as handle:
            handle.truncate(0)
        self.offset = 0

    def _fetch(self) -> None:
        with self.source.open(self.offset) as stream:
            if self.offset and not stream.range_honoured:
                logger.warning(
                    "transfer %s: range not honoured (%s); restarting from zero",
                    self.partial.name[:12],
                    stream.status_code,
                )
                self._restart()
            if self.size is None and stream.total_size is not None:
                self.size = stream.total_size
            if self.size is not None and stream.total_size is not None and stream.total_size != self.size:
                raise SizeMismatch(f"the server announces {stream.total_size} bytes, the metadata {self.size}")
            self._copy(stream)
            if self.size is None:
                self.size = self.offset  # no size known anywhere: the body's end is the end

    def _copy(self, stream: ImageStream) -> None:
        started, received = time.monotonic(), 0
        synced, pending = self.offset, None
        with self.partial.open("r+b") as handle:
            handle.seek(self.offset)
            try:
                for chunk in stream.iter_chunks(self.chunk_size):
                    if self.size is not None and self.offset + len(chunk) > self.size:
                        raise SizeMismatch(f"the server sent more than the published {self.size} bytes")
                    handle.write(chunk)
                    self.digest.update(chunk)
                    self.offset += len(chunk)
                    received += len(chunk)
                    if self.offset - synced >= SYNC_EVERY and (pending is None or pending.done()):
                        # Write back as we go, in another thread: the final fsync then has only the tail
                        # left (fsync of fresh blocks runs at ~300 MB/s here, a third of a 1 GiB transfer).
                        handle.flush()
                        pending, synced = _SYNCER.submit(os.fdatasync, handle.fileno()), self.offset
                    self._throttle(started, received)
                    self.progress(self.offset, self.size)
            finally:
                handle.flush()
                if pending is not None:
                    pending.result()

    def _throttle(self, started: float, received: int) -> None:
        if self.max_rate > 0:
            ahead = received / self.max_rate - (time.monotonic() - started)
            if ahead > 0:
                self.sleep(ahead)
