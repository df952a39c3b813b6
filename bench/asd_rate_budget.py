"""How much of a shared QPS budget the client uses, and whether the upstream ever refuses it.

Starts the simulator with ``--qps Q``, then P processes (plain ``AsdClient``s sharing one SQLite rate-limit
file, as Depot's processes on one machine do) each make metadata calls for D seconds with the client's
limiter at Q QPS. Prints the calls per second achieved in total, the share of Q, and how many calls the
simulator refused with "Account Over Queries Per Second Limit" (the goal is 0). Varying ``--margin`` shows
what the arrival-jitter margin costs (see portal/cisco/ratelimit.py). No assertion: figures for a human.

    .venv/bin/python bench/asd_rate_budget.py [--qps 5] [--processes 4] [--seconds 10] [--margin 0.1]
                                              [--gateway spec|modern] [--results [DIR]]

It needs nothing but Python; ``--results bench/results`` also writes its figures there (bench/record.py).

Behind ``--gateway modern`` the simulator refuses with 429 and Retry-After instead of the spec's 403.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.record import write_results  # noqa: E402
from portal.cisco.client import AsdClient  # noqa: E402
from portal.cisco.ratelimit import SharedRateLimiter, storage_for  # noqa: E402
from tests.fixtures.simulator import SAMPLE_CATALOG, Simulator, start_simulator  # noqa: E402


def worker(url: str, storage_url: str, qps: float, margin: float, seconds: float, done) -> None:
    """Call metadata/images as fast as the shared limiter allows for ``seconds``; report the count."""
    sim = Simulator(url)
    limiter = SharedRateLimiter(storage_for(storage_url), qps=qps, margin=margin, key="bench")
    client = AsdClient(
        base_url=sim.url,
        token_url=sim.token_url,
        client_id=sim.client_id,
        client_secret=sim.client_secret,
        rate_limiter=limiter,
    )
    calls, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        client.image_status(image_names=["sim-plain.bin"])
        calls += 1
    done.put(calls)


def main() -> None:
    """Run the bench and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qps", type=float, default=5)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--margin", type=float, default=0.1)
    parser.add_argument("--gateway", choices=("spec", "modern"), default="spec")
    parser.add_argument(
        "--results", type=Path, nargs="?", const=ROOT / "bench" / "results", help="also write the figures there"
    )
    args = parser.parse_args()
    server = start_simulator(SAMPLE_CATALOG, "--qps", str(args.qps), "--gateway", args.gateway)
    try:
        storage_url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'ratelimit.sqlite3'}"
        context = multiprocessing.get_context("spawn")
        done = context.Queue()
        started = time.monotonic()
        procs = [
            context.Process(target=worker, args=(server.url, storage_url, args.qps, args.margin, args.seconds, done))
            for _ in range(args.processes)
        ]
        for proc in procs:
            proc.start()
        calls = sum(done.get(timeout=args.seconds + 120) for _ in procs)
        for proc in procs:
            proc.join()
        elapsed = time.monotonic() - started
        log = Simulator(server.url).log()
        refused = sum(1 for entry in log if entry["status"] in (403, 429))
        rate = calls / elapsed
        header = f"processes={args.processes} qps={args.qps} margin={args.margin}s gateway={args.gateway}"
        lines = [
            f"{header} seconds={elapsed:.1f}",
            f"calls={calls} achieved={rate:.2f}/s ({rate / args.qps:.0%} of the budget) refused_qps={refused}",
        ]
        print("\n".join(lines))  # noqa: T201
    finally:
        server.stop()
    if args.results:
        print(f"written to {write_results('asd_rate_budget', lines, args.results)}")  # noqa: T201


if __name__ == "__main__":
    main()
