"""A Depot process for the multi-process tests: ``python -m tests.cisco.client.worker_main MODE JSON``.

It runs Django with the project's own settings (the environment given by the test: a temporary SQLite
database with the database cache, or Redis) and the client from ``provider.get_client()``, exactly as a web or
worker process would. Modes:

* ``init``: create the cache table; with ``{"expired_token": true}`` also store an expired token for the client.
* ``token``: ``threads`` threads, released together, each make one API call.
* ``calls``: make ``count`` API calls one after another. With ``{"clock_dir": DIR}`` the shared rate limiter
  runs on the test's clock instead of the wall clock: the time is the number in ``DIR/now``, and waiting for a
  slot writes the time waited at to ``DIR/waiting-<pid>`` and returns once the test has moved ``DIR/now`` on.

Except ``init``, a process prints ``ready`` once set up and waits for a line on stdin before it starts (the
test's start barrier). It ends by printing one JSON line: {"ok": n, "errors": [...], "token_fetches": n}.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path


def _test_clock(client, clock_dir: Path) -> None:
    """Put the client's shared limiter on the test's clock (same storage URL, budget and key)."""
    from django.conf import settings

    from portal.cisco.ratelimit import SharedRateLimiter, storage_for

    now_file, waiting_file = clock_dir / "now", clock_dir / f"waiting-{os.getpid()}"

    def clock() -> float:
        return float(now_file.read_text())

    def sleep(seconds: float) -> None:
        seen = clock()
        temp = waiting_file.with_suffix(".tmp")
        temp.write_text(repr(seen))
        os.replace(temp, waiting_file)  # the test never reads half a number
        while clock() == seen:  # the test moves the clock once every process is waiting
            time.sleep(0.002)

    limiter = client.transport.limiter
    client.transport.limiter = SharedRateLimiter(
        storage_for(settings.PORTAL_RATELIMIT_STORAGE_URL, clock=clock, keep=600),
        qps=limiter.qps,
        key=limiter.key,
        margin=settings.PORTAL_UPSTREAM_QPS_MARGIN,
        sleep=sleep,
        clock=clock,
    )


def main(mode: str, options: dict) -> dict:
    import django

    django.setup()
    from django.core.cache import caches
    from django.core.management import call_command

    from portal.cisco.auth import AccessToken
    from portal.cisco.provider import get_client

    if mode == "init":
        call_command("createcachetable", verbosity=0)
        if options.get("expired_token"):
            client = get_client()
            past = time.time() - 30
            caches["default"].set(client.tokens.key, AccessToken("expired-token", past, past).to_store(), 600)
        return {"ok": 1, "errors": [], "token_fetches": 0}

    client = get_client()
    if options.get("clock_dir"):
        _test_clock(client, Path(options["clock_dir"]))
    results: list[str] = []
    lock = threading.Lock()

    def call() -> None:
        try:
            client.image_status(image_names=["sim-plain.bin"])
            outcome = "ok"
        except Exception as exc:  # the test reports what went wrong
            outcome = f"{type(exc).__name__}: {exc}"
        with lock:
            results.append(outcome)

    print("ready", flush=True)  # noqa: T201 - the start barrier: the test answers on stdin
    sys.stdin.readline()
    if mode == "token":
        start = threading.Barrier(options["threads"])
        threads = [threading.Thread(target=lambda: (start.wait(), call())) for _ in range(options["threads"])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for _ in range(options["count"]):
            call()
    errors = [r for r in results if r != "ok"]
    return {"ok": len(results) - len(errors), "errors": errors, "token_fetches": client.tokens.fetch_count}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], json.loads(sys.argv[2]))))  # noqa: T201 - the parent reads it
