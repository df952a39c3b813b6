"""Deterministic image bytes: the simulator serves images of any size without storing a file.

The bytes of an image are a function of its imageGuid and size only:

* ``base`` is ``shake_256(b"depot-simulator:" + guid.encode()).digest(BLOCK_SIZE)``, one mebibyte;
* block ``i`` (``i = 0, 1, ...``) is ``i.to_bytes(8, "big") + base[8:]``, so no two blocks are equal;
* the image is the blocks laid end to end, cut at ``size``.

Any byte range can be produced without producing what comes before it, which is what Range requests and a
serving rate above 1 GB/s need: each block is two buffers handed to the socket as they are.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Iterator
from functools import lru_cache

BLOCK_SIZE = 1 << 20
_COUNTER_BYTES = 8


@lru_cache(maxsize=64)
def _base_block(guid: str) -> bytes:
    return hashlib.shake_256(b"depot-simulator:" + guid.encode()).digest(BLOCK_SIZE)


class ImageBytes:
    """The deterministic bytes of one image (see the module docstring for the algorithm)."""

    def __init__(self, guid: str, size: int) -> None:
        if size < 0:
            raise ValueError("size must not be negative")
        self.guid = guid
        self.size = size

    def iter_range(self, start: int = 0, end: int | None = None) -> Iterator[bytes | memoryview]:
        """Yield the bytes of ``[start, end)`` as a few large buffers (end defaults to the size)."""
        end = self.size if end is None else min(end, self.size)
        if start < 0 or start > end:
            raise ValueError(f"bad range {start}-{end} for size {self.size}")
        base = memoryview(_base_block(self.guid))
        offset = start
        while offset < end:
            index, within = divmod(offset, BLOCK_SIZE)
            block_end = min(BLOCK_SIZE, within + (end - offset))
            if within < _COUNTER_BYTES:
                counter = index.to_bytes(_COUNTER_BYTES, "big")
                yield counter[within : min(_COUNTER_BYTES, block_end)]
                if block_end > _COUNTER_BYTES:
                    yield base[_COUNTER_BYTES:block_end]
            else:
                yield base[within:block_end]
            offset += block_end - within

    def read(self, start: int = 0, end: int | None = None) -> bytes:
        """Return ``[start, end)`` as one bytes object (for small ranges and tests)."""
        return b"".join(bytes(part) for part in self.iter_range(start, end))

    def digests(self) -> tuple[str, str]:
        """Return (md5, sha512) hex digests of all the bytes; md5 and sha512 run in two threads."""
        md5 = hashlib.md5()  # noqa: S324 - md5 is what the ASD API publishes, not a security control
        sha512 = hashlib.sha512()
        _hash_in_parallel(self.iter_range(), (md5, sha512))
        return md5.hexdigest(), sha512.hexdigest()


def _hash_in_parallel(parts: Iterator[bytes | memoryview], hashers: tuple) -> None:
    """Feed every part to every hasher; each hasher gets its own thread (hashlib releases the GIL)."""
    # The parts are memoryviews of immutable shared buffers, so handing the same object to two threads is safe.
    queues: list[queue.Queue] = [queue.Queue(maxsize=16) for _ in hashers]

    def consume(q: queue.Queue, hasher) -> None:
        while (item := q.get()) is not None:
            hasher.update(item)

    threads = [threading.Thread(target=consume, args=(q, h), daemon=True) for q, h in zip(queues, hashers, strict=True)]
    for thread in threads:
        thread.start()
    for part in parts:
        for q in queues:
            q.put(part)
    for q in queues:
        q.put(None)
    for thread in threads:
        thread.join()
