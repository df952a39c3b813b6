"""Writing response bodies fast, and mangling them when a fault says so.

Image bytes come from content.ImageBytes as memoryviews of one shared 1 MiB block (plus 8-byte counters);
they are handed to the kernel in batches with ``socket.sendmsg`` (scatter/gather, no joining or copying in
Python), which is what lets one thread serve well over 1 GB/s on loopback.
"""

from __future__ import annotations

import itertools
import socket
from collections.abc import Callable, Iterable, Iterator

from portal.cisco.simulator.faults import CORRUPT_SPAN, Fault

Buffer = bytes | bytearray | memoryview
BATCH_BYTES = 8 << 20
BATCH_PARTS = 64  # well under IOV_MAX (1024 on Linux)
_HAS_SENDMSG = hasattr(socket.socket, "sendmsg")


def truncated(parts: Iterable[Buffer], limit: int) -> Iterator[Buffer]:
    """The first ``limit`` bytes of the parts."""
    budget = limit
    for part in parts:
        if budget <= 0:
            return
        if len(part) > budget:
            part = memoryview(part)[:budget]
        budget -= len(part)
        yield part


def corrupted(parts: Iterable[Buffer], offset: int, span: int = CORRUPT_SPAN) -> Iterator[Buffer]:
    """The parts with the bytes in ``[offset, offset + span)`` inverted (a copy is made of affected parts only)."""
    position = 0
    for part in parts:
        size = len(part)
        lo, hi = max(offset - position, 0), min(offset + span - position, size)
        if lo < hi:
            damaged = bytearray(part)
            for i in range(lo, hi):
                damaged[i] ^= 0xFF
            part = damaged
        position += size
        yield part


def split_at(parts: Iterable[Buffer], limit: int) -> tuple[list[Buffer], Iterator[Buffer]]:
    """The first ``limit`` bytes of the parts as a list, and an iterator over the rest."""
    rest = iter(parts)
    head: list[Buffer] = []
    budget = limit
    for part in rest:
        if len(part) >= budget:
            view = memoryview(part)
            head.append(view[:budget])
            return head, itertools.chain([view[budget:]], rest)
        head.append(part)
        budget -= len(part)
    return head, rest


def apply_fault(parts: Iterable[Buffer], fault: Fault | None) -> Iterable[Buffer]:
    """The body as a truncate or corrupt fault wants it (unchanged for other faults)."""
    if fault is None:
        return parts
    if fault.kind == "truncate":
        return truncated(parts, fault.after_bytes)
    if fault.kind == "corrupt":
        return corrupted(parts, fault.after_bytes)
    return parts


def _flush(sock: socket.socket, batch: list[Buffer]) -> None:
    if not _HAS_SENDMSG:  # pragma: no cover - Windows
        for part in batch:
            sock.sendall(part)
        return
    while batch:
        sent = sock.sendmsg(batch)
        while sent:
            first = len(batch[0])
            if sent >= first:
                sent -= first
                batch.pop(0)
            else:
                batch[0] = memoryview(batch[0])[sent:]
                sent = 0


def send_parts(sock: socket.socket, parts: Iterable[Buffer], before_last: Callable[[int], None] | None = None) -> int:
    """Send every part, batching them into large scatter/gather writes; return the number of bytes sent.

    ``before_last(total)`` is called with the final byte count just before the last batch goes out, i.e.
    before the peer can have the whole answer: the request log uses it so that a client reading the log right
    after its response always finds its request there.

    If the peer goes away the OSError propagates; the count of what was sent before is then lost, which only
    affects the request log.
    """
    batch: list[Buffer] = []
    batch_bytes = total = 0
    for part in parts:
        size = len(part)
        if not size:
            continue
        # A full batch is sent only once another part is known to follow, so the last batch is always the one
        # left over after the loop (and before_last really runs before the last bytes leave).
        if batch_bytes >= BATCH_BYTES or len(batch) >= BATCH_PARTS:
            _flush(sock, batch)
            batch, batch_bytes = [], 0
        batch.append(part)
        batch_bytes += size
        total += size
    if before_last is not None:
        before_last(total)
    if batch:
        _flush(sock, batch)
    return total
