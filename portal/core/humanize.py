"""Numbers as people read them: counts with the right plural, sizes with units, durations in words.

One place for these rules, used by the template filters of :mod:`portal.core.templatetags.depot`, by messages and
by commands. Plain Python (no Django).

Sizes are binary and written the way Cisco writes them (``8192`` MB of DRAM is "8 GB"); ASD gives ``minDram`` and
``minFlash`` as free text ("1024", sometimes with a unit), so :func:`megabytes_text` reads what it can and leaves the
rest as the upstream wrote it (the figures are read and written by :mod:`portal.cisco.sizes`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from portal.cisco import sizes

_UNITS = ("bytes", "KB", "MB", "GB", "TB", "PB")
_DURATION_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """ "1 download", "3 downloads", "0 downloads"; ``plural`` for nouns that do not just take an -s."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def _number(value: Decimal) -> str:
    """One decimal at most, none when it is zero: 8, 1.5, 1.1."""
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{rounded:f}".removesuffix(".0")


def size_text(size: int | None) -> str:
    """Bytes with a binary unit: "1.1 GB", "512 MB", "1 byte", "0 bytes"; "—" when unknown."""
    if size is None or size == "":
        return "—"
    size = int(size)
    if abs(size) < 1024:
        return counted(size, "byte")
    value, power = Decimal(size), 0
    while abs(value) >= 1024 and power < len(_UNITS) - 1:
        value, power = value / 1024, power + 1
    if abs(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) >= 1024 and power < len(_UNITS) - 1:
        value, power = value / 1024, power + 1  # 1023.96 KB reads "1 MB", not "1024 KB"
    return f"{_number(value)} {_UNITS[power]}"


def megabytes_text(value: int | str | None) -> str:
    """A size given in megabytes (a device's memory, ASD's ``minDram``), with its unit: 8192 -> "8 GB".

    Read and written by :mod:`portal.cisco.sizes`, the rule the recommendations compare with ("4 GB", "512M" are read
    in their unit; the text is exact, "11000 MB" stays so). Upstream text that is no figure is returned as written,
    stripped; empty, None or 0 give "" (so a template can leave the fact out or show a default)."""
    if value is None or value == "" or value == 0:
        return ""
    megabytes = value if isinstance(value, int) else sizes.megabytes(value)
    return sizes.megabytes_text(megabytes) if megabytes else str(value).strip()


def duration_text(seconds: float | None, *, parts: int = 2) -> str:
    """Seconds in words, the largest ``parts`` units that are not zero: "24 hours", "1 hour 30 minutes",
    "3 minutes 4 seconds", "7 days", "0 seconds"; "—" when unknown. Days are used from two days on (36 hours reads
    better than "1 day 12 hours" for a link's lifetime)."""
    if seconds is None or seconds == "":
        return "—"
    left = max(0, round(float(seconds)))
    words: list[tuple[int, str]] = []
    for unit, size in _DURATION_UNITS:
        if unit == "day" and left < 2 * 86400:
            continue
        amount, left = divmod(left, size)
        if amount or words:
            words.append((amount, unit))
    shown = [counted(amount, unit) for amount, unit in words[:parts] if amount]
    return " ".join(shown) or "0 seconds"
