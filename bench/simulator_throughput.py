"""How fast the simulator serves image bytes: a 1 GiB image fetched with curl to /dev/null on loopback.

Builds a one-image catalog with catalog_build.generate (digests filled once), starts the simulator, asks for a
download URL the way a client does (token, EULA, metadata, download/pidimage), then runs curl through the 302
to the bytes a few times and prints MB/s (10^6 bytes per second) for each run and the median. No assertion:
the goal (> 1,000 MB/s) is for a human to compare with PERFORMANCE.md's nginx figure.

    .venv/bin/python bench/simulator_throughput.py [--size BYTES] [--runs N] [--results bench/results]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.record import write_results  # noqa: E402
from portal.cisco.simulator import catalog_build  # noqa: E402
from tests.fixtures.simulator import Simulator, start_simulator  # noqa: E402


def one_image_catalog(size: int) -> dict[str, Any]:
    """A generated catalog cut down to one PID with one plain (no K9, default delivery) image of ``size``."""
    catalog = catalog_build.generate(1, image_size=size)
    product = catalog["products"][0]
    types = product.pop("softwareTypes", None) or catalog["softwareTypeSets"][product.pop("softwareTypeSet")]
    stype = types[0]
    osys = stype["operatingSystems"][0]
    release = osys["releases"][0]
    image = release["images"][0]
    image.update(simDelivery="default", simRestriction="", simExternalUrl="", encryptionSoftwareIndicator="N")
    release["images"], osys["releases"], stype["operatingSystems"] = [image], [release], [osys]
    product["softwareTypes"] = [stype]
    return {"format": 1, "softwareTypeSets": {}, "products": [product]}


def download_url(sim: Simulator, pid: str) -> str:
    """A default download URL with the access token appended."""
    sim.post("compliance/eula", {"status": "Accepted"}).raise_for_status()
    meta = sim.post("metadata/pidrelease", {"pid": pid, "currentReleaseVersion": "0", "outputReleaseVersion": "latest"})
    meta.raise_for_status()
    body = meta.json()
    mdf = body["metadata"][0]["products"][0]["mdfId"]
    image = body["metadata"][0]["products"][0]["softwareTypes"][0]["operatingSystems"][0]["releases"][0]["images"][0]
    request = {"pid": pid, "mdfId": mdf, "metadataTransId": body["metadataTransId"], "imageGuids": [image["imageGuid"]]}
    offer = sim.post("download/pidimage", request)
    offer.raise_for_status()
    return f"{offer.json()['downloads'][0]['url']}&access_token={sim._token}"


def curl_mb_per_s(url: str) -> tuple[float, int]:
    """One curl run through the redirects to /dev/null: (MB/s, bytes)."""
    result = subprocess.run(
        ["curl", "-sS", "-L", "-o", "/dev/null", "-w", "%{size_download} %{speed_download}", url],
        capture_output=True,
        text=True,
        check=True,
    )
    size, speed = result.stdout.split()
    return float(speed) / 1e6, int(float(size))


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1 << 30, help="image size in bytes (default 1 GiB)")
    parser.add_argument("--runs", type=int, default=3, help="curl runs (default 3)")
    parser.add_argument("--results", type=Path, help="also write the figures to a file in this folder (bench/results)")
    options = parser.parse_args()
    lines: list[str] = []

    def say(line: str) -> None:
        print(line)
        lines.append(line)

    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "catalog.json"
        catalog = one_image_catalog(options.size)
        started = time.monotonic()
        catalog_build.fill_digests(catalog, previous=None)
        say(f"digests of {options.size:,} bytes computed in {time.monotonic() - started:.1f} s")
        catalog_build.write(catalog, path)
        process = start_simulator(path, "--qps", "0")
        try:
            sim = Simulator(process.url)
            url = download_url(sim, catalog["products"][0]["pid"])
            speeds = []
            for run in range(1, options.runs + 1):
                speed, size = curl_mb_per_s(url)
                speeds.append(speed)
                say(f"run {run}: {size:,} bytes at {speed:,.0f} MB/s")
            say(f"median: {statistics.median(speeds):,.0f} MB/s (curl -L to /dev/null, loopback, goal > 1,000)")
        finally:
            process.stop()
            process.log_path.unlink(missing_ok=True)
    if options.results:
        print(f"written to {write_results('simulator_throughput', lines, options.results)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
