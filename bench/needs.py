"""What a bench needs on the machine, checked before it starts: one line saying how to install what is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

# How to get each program on Debian/Ubuntu (the Dockerfile's base and the CI machine).
INSTALL = {
    "nginx": "apt-get install nginx-light (or nginx)",
    "wrk": "apt-get install wrk",
    "redis-server": "apt-get install redis-server",
    "curl": "apt-get install curl",
    "md5sum": "apt-get install coreutils",
    "sha512sum": "apt-get install coreutils",
    "tee": "apt-get install coreutils",
    "bash": "apt-get install bash",
}
# Daemons live in sbin, which is not on every user's PATH.
_SBIN = (Path("/usr/sbin"), Path("/usr/local/sbin"), Path("/sbin"))


def find(program: str) -> str | None:
    """The path of ``program``, or None."""
    found = shutil.which(program)
    if found:
        return found
    return next((str(d / program) for d in _SBIN if (d / program).is_file()), None)


def require(bench: str, *programs: str) -> dict[str, str]:
    """The paths of ``programs``; exit with one line naming what is missing and how to install it."""
    paths = {program: find(program) for program in programs}
    missing = [program for program, path in paths.items() if path is None]
    if missing:
        hints = "; ".join(f"{program}: {INSTALL.get(program, 'install it')}" for program in missing)
        raise SystemExit(f"{bench} needs {', '.join(missing)}, not found on this machine ({hints})")
    return {program: str(path) for program, path in paths.items()}
