"""The transfer's threads: buffers reused only when no consumer holds them, the partial's writer, file digests."""

from __future__ import annotations

import hashlib
import threading

from downloads.transfer.consumers import QUEUE_CHUNKS, BufferRing, ChunkConsumer
from downloads.transfer.hashing import digest_file
from downloads.transfer.stream import DIRECT_ALIGN, PartialStream, PartialWriter
from tests.waiting import wait_for


def test_a_ring_buffer_comes_round_only_after_a_held_consumer_let_go_of_it():
    """The consumer is held on the first chunk while the producer fills the ring as far as the queue lets it;
    every chunk the consumer then reads must still hold the bytes that were put, none overwritten by a later one
    (with one buffer fewer, the producer would overwrite the held chunk)."""
    taken, held, seen = threading.Event(), threading.Event(), []

    def consume(chunk: memoryview) -> None:
        taken.set()
        held.wait()
        seen.append(bytes(chunk))

    consumer = ChunkConsumer(consume, name="held")
    ring = BufferRing(4096)
    chunks = [bytes([n]) * 4096 for n in range(3 * (QUEUE_CHUNKS + 2))]

    def produce() -> None:
        for data in chunks:
            buffer = ring.current()
            buffer[:] = data
            consumer.put(buffer)
            ring.advance()
            taken.wait()  # the consumer holds chunk 0 while the producer goes on filling buffers

    producer = threading.Thread(target=produce)
    producer.start()
    wait_for(consumer.queue.full, what="the producer to fill the held consumer's queue")
    held.set()
    producer.join()
    consumer.close()
    assert seen == chunks


def test_a_consumer_error_reaches_the_producer_and_the_queue_still_drains():
    def consume(chunk: bytes) -> None:
        raise OSError(28, "No space left on device")

    consumer = ChunkConsumer(consume, name="full-disk")
    consumer.put(b"x")
    wait_for(lambda: consumer.error is not None, what="the first write to fail")
    try:
        for _ in range(2 * QUEUE_CHUNKS):  # never blocks: a failed consumer only drains
            consumer.put(b"x")
    except OSError as exc:
        assert exc.errno == 28
    else:
        raise AssertionError("put() kept accepting chunks after the consumer failed")
    try:
        consumer.close()
    except OSError as exc:
        assert exc.errno == 28
    else:
        raise AssertionError("close() hid the consumer's error")


def test_the_writer_writes_aligned_chunks_then_an_unaligned_tail_in_order(tmp_path):
    path = tmp_path / "partial"
    path.write_bytes(b"")
    parts = [bytes([n]) * DIRECT_ALIGN * 16 for n in range(5)] + [b"tail" * 1000]
    ring = BufferRing(DIRECT_ALIGN * 16)
    writer = PartialWriter(path, start=0)
    for part in parts:
        buffer = ring.current()
        buffer[: len(part)] = part
        writer.put(buffer[: len(part)])
        ring.advance()
    writer.close()
    assert path.read_bytes() == b"".join(parts)


def test_the_writer_appends_at_an_unaligned_offset(tmp_path):
    path = tmp_path / "partial"
    path.write_bytes(b"a" * 1000)
    writer = PartialWriter(path, start=1000)
    ring = BufferRing(DIRECT_ALIGN)
    ring.current()[:] = b"b" * DIRECT_ALIGN
    writer.put(ring.current())
    writer.close()
    assert path.read_bytes() == b"a" * 1000 + b"b" * DIRECT_ALIGN


class _Body:
    """An open image body that gives at most ``piece`` bytes a read, as a socket or a chunked body does."""

    def __init__(self, data: bytes, piece: int) -> None:
        self.data, self.piece, self.position = data, piece, 0
        self.status_code, self.total_size, self.range_honoured = 200, len(data), True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def readinto(self, buffer) -> int:
        part = self.data[self.position : self.position + min(len(buffer), self.piece)]
        buffer[: len(part)] = part
        self.position += len(part)
        return len(part)


def test_a_stream_of_odd_sized_reads_lands_whole_with_its_digests(tmp_path):
    data = hashlib.sha512(b"seed").digest() * 40_000  # 2.56 MB: several chunks and an unaligned tail
    partial = tmp_path / "partial"
    body = _Body(data, piece=10_007)
    stream = PartialStream(type("S", (), {"open": lambda self, start: body})(), partial, size=len(data),
                           progress=lambda *a: None, chunk_size=1 << 20)  # fmt: skip
    digests = stream.run()
    assert partial.read_bytes() == data
    assert digests.sha512 == hashlib.sha512(data).hexdigest()
    assert digests.md5 == hashlib.md5(data).hexdigest()  # noqa: S324


def test_digest_file_reads_the_whole_file_through_the_ring(tmp_path):
    path = tmp_path / "stored"
    data = bytes(range(256)) * 9000  # 2.3 MB with chunks of 64 KiB: the ring turns many times
    path.write_bytes(data)
    digests = digest_file(path, chunk_size=64 << 10)
    assert (digests.size, digests.sha512) == (len(data), hashlib.sha512(data).hexdigest())


def test_the_writer_carries_on_through_the_cache_when_a_direct_write_is_refused(tmp_path, monkeypatch):
    import errno
    import os

    from downloads.transfer import stream as stream_module

    path = tmp_path / "partial"
    path.write_bytes(b"")
    writer = PartialWriter(path, start=0)
    writer.direct = True  # as if O_DIRECT had been granted; the first write is then refused as unaligned
    real_write, refused = os.write, []

    def write(fd: int, data) -> int:
        if writer.direct:
            refused.append(len(data))
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_write(fd, data)

    monkeypatch.setattr(stream_module.os, "write", write)
    ring = BufferRing(DIRECT_ALIGN)
    ring.current()[:] = b"c" * DIRECT_ALIGN
    writer.put(ring.current())
    writer.close()
    assert refused == [DIRECT_ALIGN] and not writer.direct
    assert path.read_bytes() == b"c" * DIRECT_ALIGN
