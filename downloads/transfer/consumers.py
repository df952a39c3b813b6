"""A thread that consumes chunks from a bounded queue: the shape shared by the hashers and the partial's writer.

The receive loop hands every chunk to a few of these (md5, sha512, the file write). Each of those calls releases
the GIL on a large buffer, so they run on other cores while the receive loop reads the socket; the queues are
bounded so memory stays at a few chunks whatever the image size. Chunks must not be mutated once handed over
(:class:`BufferRing` reuses its buffers only when no consumer can still hold them).
"""

from __future__ import annotations

import mmap
import queue
import threading
from collections.abc import Callable

_STOP = object()
QUEUE_CHUNKS = 4  # 8 measured no faster; each chunk is 1 MiB of the worker's memory (the ring holds 6)


class ChunkConsumer(threading.Thread):
    """Calls ``consume(chunk)`` for every chunk :meth:`put` in order; after the first error it only drains the
    queue (so the producer never blocks on a dead consumer) and :meth:`put` and :meth:`close` raise that error."""

    def __init__(self, consume: Callable[[bytes], object], *, name: str) -> None:
        super().__init__(daemon=True, name=name)
        self.consume = consume
        self.queue: queue.Queue = queue.Queue(maxsize=QUEUE_CHUNKS)
        self.error: BaseException | None = None
        self._open = True
        self.start()

    def run(self) -> None:
        while (item := self.queue.get()) is not _STOP:
            if self.error is None:
                try:
                    self.consume(item)
                except BaseException as exc:  # noqa: BLE001 - raised again in the producer's thread
                    self.error = exc

    def put(self, chunk: bytes) -> None:
        """Queue ``chunk`` (blocks while the consumer is a few chunks behind); raise the consumer's error if any."""
        if self.error is not None:
            raise self.error
        self.queue.put(chunk)

    def stop(self) -> None:
        """Let the consumer finish what is queued and end (idempotent); errors stay in :attr:`error`."""
        if self._open:
            self._open = False
            self.queue.put(_STOP)
            self.join()

    def close(self) -> None:
        """:meth:`stop`, then raise the consumer's error if it had one."""
        self.stop()
        if self.error is not None:
            raise self.error


class BufferRing:
    """``QUEUE_CHUNKS + 2`` page-aligned buffers of ``size`` bytes: fill :meth:`current`, put it to the consumers,
    then :meth:`advance` to the next one.

    Reusing buffers keeps memory flat and spares the allocator and the kernel a fresh page for every byte
    (costly on virtual machines that hand freed memory back to their host), and page alignment is what
    ``O_DIRECT`` writes need. A buffer comes round again only after ``QUEUE_CHUNKS + 1`` more chunks were put
    to each :class:`ChunkConsumer` that got it: a put returns only when that consumer's queue has room, so at
    most ``QUEUE_CHUNKS`` chunks wait there and one is being consumed; every older chunk is done with. So call
    :meth:`advance` exactly when a buffer was put to every consumer (not for a read that gave nothing).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._buffers = [memoryview(mmap.mmap(-1, size)) for _ in range(QUEUE_CHUNKS + 2)]
        self._turn = 0

    def current(self) -> memoryview:
        """The buffer to fill now (its old contents are garbage)."""
        return self._buffers[self._turn]

    def advance(self) -> None:
        """The current buffer went to every consumer: move on to the next one."""
        self._turn = (self._turn + 1) % len(self._buffers)
