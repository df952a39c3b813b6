"""GET /_sim/log shows a request as soon as its answer is complete: no polling needed after a response."""

from __future__ import annotations

import socket

import requests

from portal.cisco.simulator.body import BATCH_PARTS, send_parts
from tests.cisco.simulator.helpers import offer

PLAIN = "sim-plain.bin"
PLAIN_SIZE = 3 * (1 << 20) + 123
ROUNDS = 15  # the old race (entry added after the send) showed up within a few rounds on loopback


def _last(sim, path_prefix):
    """The newest log entry whose path starts with the prefix, read once, right now."""
    entries = [entry for entry in sim.log() if entry["path"].startswith(path_prefix)]
    return entries[-1] if entries else None


def test_a_json_answer_is_in_the_log_as_soon_as_it_is_read(sample_simulator):
    for _ in range(ROUNDS):
        sample_simulator.reset()
        response = sample_simulator.get("compliance/k9")
        assert response.status_code == 200
        entry = _last(sample_simulator, "/software/v4.0/compliance/k9")
        assert entry is not None
        assert (entry["method"], entry["status"], entry["client"]) == ("GET", 200, "depot-demo")
        assert entry["bytes"] == len(response.content)


def test_a_download_is_in_the_log_with_its_byte_count_as_soon_as_it_is_read(sample_simulator):
    sample_simulator.accept_forms()
    first = requests.get(f"{offer(sample_simulator, PLAIN)['url']}&access_token={sample_simulator._token}", timeout=10)
    assert first.status_code == 200 and len(first.content) == PLAIN_SIZE
    final = first.url
    assert "/dl/" in final
    assert _last(sample_simulator, "/dl/")["bytes"] == PLAIN_SIZE
    for round_ in range(ROUNDS):
        wanted = f"bytes={round_}-{round_ + 999}"
        small = requests.get(final, headers={"Range": wanted}, timeout=10)
        assert small.status_code == 206 and len(small.content) == 1000
        entry = _last(sample_simulator, "/dl/")
        assert (entry["range"], entry["status"], entry["bytes"]) == (wanted, 206, 1000)


def test_send_parts_calls_before_last_before_the_last_batch_leaves():
    # Small parts make four scatter/gather batches (BATCH_PARTS each, then 8): three go out during the loop,
    # the last only after the callback, so the peer has three batches when the callback runs.
    left, right = socket.socketpair()
    try:
        parts = [b"x" * 100] * (3 * BATCH_PARTS + 8)
        seen: list[tuple[int, int]] = []

        def before_last(count: int) -> None:
            right.setblocking(False)
            received = 0
            try:
                while chunk := right.recv(1 << 16):
                    received += len(chunk)
            except BlockingIOError:
                pass
            seen.append((count, received))

        assert send_parts(left, parts, before_last) == 100 * len(parts)
        assert seen == [(100 * len(parts), 100 * 3 * BATCH_PARTS)]
    finally:
        left.close()
        right.close()
