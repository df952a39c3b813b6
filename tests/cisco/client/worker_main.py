"""A Depot process for the multi-process tests: ``python -m tests.cisco.client.worker_main MODE JSON``.

It runs Django with the project's own settings (the environment given by the test: a temporary SQLite
database with the database cache, or Redis) and the client from ``provider.get_client()``, exactly as a web or
worker process would. Modes:

* ``init``: create the cache table; with ``{"expired_token": true}`` also store an expired token for the client.
* ``token``: ``threads`` threads wait for ``start_at`` (epoch seconds), then each makes one API call.
* ``calls``: wait for ``start_at``, then make ``count`` API calls one after another.

It prints one JSON line: {"ok": n, "errors": [...], "token_fetches": n}.
"""

from __future__ import annotations

import json
import sys
import threading
import time


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

    time.sleep(max(0.0, options["start_at"] - time.time()))
    if mode == "token":
        threads = [threading.Thread(target=call) for _ in range(options["threads"])]
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
