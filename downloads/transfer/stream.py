"""The resumable stream of one image into its partial file, hashed on the way.

Checkpoints: the bytes on disk are the checkpoint. Hash state cannot be saved (hashlib objects do not pickle),
so a resumed transfer re-hashes the partial prefix from disk (at ~550 MB/s, far cheaper than fetching it
again), then asks for the rest with ``Range: bytes=<size on disk>-``. A worker killed with SIGKILL loses
only what the kernel had not yet received from it; whatever is on disk and wrong is caught by the final
sha512 check, which forces one clean retry. A reply that is not a 206 with the expected Content-Range
restarts from zero (a 200 is used as it is, from byte 0; a wrong 206 or a 416 truncates and asks again).
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

from downloads.transfer.consumers import BufferRing, ChunkConsumer
from downloads.transfer.hashing import Digests, ParallelDigest
from portal.cisco.download import ImageStream
from portal.cisco.exceptions import DownloadError, DownloadInterrupted, RangeMismatch, UpstreamUnavailable

logger = logging.getLogger("downloads.transfer")

SYNC_EVERY = 64 << 20
DIRECT_ALIGN = 4096  # O_DIRECT: offsets and lengths in whole logical blocks (512 or 4096 bytes)
_SYNCER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="partial-sync")

# Faults after which a resume may help: the stream broke off, the server was briefly unavailable.
RESUMABLE = (DownloadInterrupted, UpstreamUnavailable)


class ByteSource(Protocol):
    """Opens the image's bytes from ``start`` (the service side: URL freshness, redirects, host checks)."""

    def open(self, start: int) -> ImageStream: ...


class PartialWriter:
    """Writes chunks at the end of the partial file in a thread of its own, straight to the disk when it can.

    The write runs beside the socket reads and the hashers instead of between them (in the receive loop it took
    more than half of that thread's time). The file is opened with ``O_DIRECT`` where the filesystem allows it:
    the bytes of a multi-GB image are written once and not read again soon, and going through the page cache
    cost more CPU than the md5 (measured: 1-3 CPU-seconds per GiB for fresh cache pages on a VM, 0.2 direct),
    plus a final fsync at ~300 MB/s. ``O_DIRECT`` needs aligned offsets and lengths: after an unaligned chunk
    (the last one, a short read) the writer carries on through the page cache. Without ``O_DIRECT`` another
    thread starts an ``fdatasync`` every 64 MiB, so the final fsync has only the tail left.
    """

    def __init__(self, path: Path, *, start: int) -> None:
        self.fd, self.direct = _open_for_append(path)
        os.lseek(self.fd, start, os.SEEK_SET)
        self.written = self.synced = start
        self.pending: Future | None = None
        self.thread = ChunkConsumer(self._write, name="partial-write")

    def put(self, chunk: memoryview) -> None:
        """Queue ``chunk``; raise the error of an earlier write (disk full...) if there was one."""
        self.thread.put(chunk)

    def close(self) -> None:
        """Wait for the queued writes and the last write-back, close the file; raise the first write error."""
        try:
            self.thread.close()
        finally:
            try:
                if self.pending is not None:
                    self.pending.result()
            finally:
                os.close(self.fd)

    def _write(self, chunk: memoryview) -> None:
        if self.direct and (self.written % DIRECT_ALIGN or len(chunk) % DIRECT_ALIGN):
            self._through_the_cache()
        view = chunk
        while view:
            try:
                view = view[os.write(self.fd, view) :]
            except OSError as exc:
                if not (self.direct and exc.errno == errno.EINVAL):
                    raise
                self._through_the_cache()  # a device with larger blocks, a short write: carry on without O_DIRECT
        self.written += len(chunk)
        if not self.direct and self.written - self.synced >= SYNC_EVERY:
            if self.pending is None or self.pending.done():
                self.pending, self.synced = _SYNCER.submit(os.fdatasync, self.fd), self.written

    def _through_the_cache(self) -> None:
        fcntl.fcntl(self.fd, fcntl.F_SETFL, fcntl.fcntl(self.fd, fcntl.F_GETFL) & ~os.O_DIRECT)
        self.direct = False


def _open_for_append(path: Path) -> tuple[int, bool]:
    """Open ``path`` for writing, with ``O_DIRECT`` if the platform and filesystem have it (tmpfs has not)."""
    direct = getattr(os, "O_DIRECT", 0)
    if direct:
        try:
            return os.open(path, os.O_WRONLY | direct), True
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
    return os.open(path, os.O_WRONLY), False


class TransferAborted(Exception):
    """The progress callback asked to stop (job cancelled, or another run took the job over)."""


class SizeMismatch(DownloadError):
    """The server sent more bytes than the published size, or announced another size."""


ProgressCallback = Callable[[int, int | None], None]


def _round_chunk(chunk_size: int) -> int:
    """Chunks in whole 64 KiB, so every chunk but the last can be written with ``O_DIRECT``."""
    return max(chunk_size - chunk_size % (64 << 10), 64 << 10)


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
        self.ring = BufferRing(_round_chunk(chunk_size))
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
        """Hand each chunk to the partial's writer and the hashers; this thread only reads the socket."""
        started, received = time.monotonic(), 0
        writer = PartialWriter(self.partial, start=self.offset)
        try:
            while count := _fill(stream, self.ring.current()):
                if self.size is not None and self.offset + count > self.size:
                    raise SizeMismatch(f"the server sent more than the published {self.size} bytes")
                chunk = self.ring.current()[:count]
                writer.put(chunk)
                self.digest.update(chunk)
                self.ring.advance()
                self.offset += count
                received += count
                self._throttle(started, received)
                self.progress(self.offset, self.size)
        finally:
            writer.close()

    def _throttle(self, started: float, received: int) -> None:
        if self.max_rate > 0:
            ahead = received / self.max_rate - (time.monotonic() - started)
            if ahead > 0:
                self.sleep(ahead)


def _fill(stream: ImageStream, buffer: memoryview) -> int:
    """Read until ``buffer`` is full or the body ends (chunked bodies come in pieces); return the bytes read."""
    count = 0
    while count < len(buffer) and (read := stream.readinto(buffer[count:])):
        count += read
    return count
