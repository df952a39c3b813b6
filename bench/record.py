"""Keep a bench run's figures with when, what code and which machine: ``<directory>/<bench>-<UTC time>.txt``."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_results(bench: str, lines: list[str], directory: Path) -> Path:
    """Write ``lines`` under a header naming the bench, the UTC time, the commit and the machine (with its load)."""
    now = datetime.datetime.now(datetime.UTC)
    commit = subprocess.run(  # noqa: S603 - our own command line
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,  # noqa: S607
    ).stdout.strip()
    machine = f"{platform.node()}, {os.cpu_count()} CPUs, {platform.platform()}, load average {os.getloadavg()[0]:.2f}"
    header = [f"bench/{bench}.py {now:%Y-%m-%d %H:%M} UTC", f"commit {commit or 'unknown'}", machine, ""]
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{bench}-{now:%Y%m%d-%H%M}.txt"
    path.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    return path
