"""Memory and flash figures as the upstream writes them (``minDram``, ``minFlash``), in whole megabytes.

The spec says the figure "is displayed in the unit along with the value"; Cisco's catalog mostly sends a bare
number of megabytes ("8192") and sometimes a unit ("512 MB", "4GB", "16 GB"). Units are binary, as Cisco means
them for memory (1 GB = 1024 MB). Anything else (empty, "N/A", "see release notes") is unknown: None, never 0.
"""

from __future__ import annotations

import re

__all__ = ["megabytes", "megabytes_text"]

_FIGURE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|K|MB|M|GB|G|TB|T)?(?:\s*(?:bytes|of\b.*|DRAM|RAM|flash))?\s*$", re.I)
_FACTOR = {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1024 * 1024}


def megabytes(text: str | None) -> int | None:
    """``"8192"`` -> 8192, ``"4 GB"`` -> 4096, ``"512MB"`` -> 512; None when the text is not a figure or is 0."""
    match = _FIGURE.match(text or "")
    if not match:
        return None
    unit = (match.group(2) or "M")[0].upper()
    value = round(float(match.group(1)) * _FACTOR[unit])
    return value if value > 0 else None


def megabytes_text(mb: int) -> str:
    """A figure in megabytes for people, exact: ``8192`` -> "8 GB", ``1536`` -> "1.5 GB", ``11000`` -> "11000 MB"
    (the largest unit that shows it to one decimal without rounding)."""
    for unit, size in (("TB", 1024 * 1024), ("GB", 1024)):
        if mb >= size and (mb * 10) % size == 0:
            value = mb / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{mb} MB"
