"""Depot's everyday template filters, built into every template (settings.TEMPLATES "builtins"): counts, sizes and
durations as :mod:`portal.core.humanize` writes them, so every page says "1 download", "DRAM ≥ 8 GB" and
"valid for 24 hours" the same way.

    {{ jobs|length|counted:"download" }}     1 download / 3 downloads
    {{ n|counted:"entry,entries" }}          a plural that is not just -s
    {{ image.size|size }}                    1.1 GB (bytes in)
    {{ device.memory_mb|megabytes }}         8 GB (megabytes in; ASD's free-text minDram too)
    {{ seconds|duration }}                   24 hours / 1 hour 30 minutes
"""

from __future__ import annotations

from django import template

from portal.core import humanize

register = template.Library()


@register.filter
def counted(count: int | None, nouns: str) -> str:
    """``count`` and the noun in the number it needs: ``nouns`` is "singular" or "singular,plural"."""
    singular, _, plural = nouns.partition(",")
    return humanize.counted(int(count or 0), singular, plural or None)


@register.filter
def size(value: int | None) -> str:
    """Bytes with a binary unit ("1.1 GB"); "—" when unknown."""
    return humanize.size_text(value)


@register.filter
def megabytes(value: int | str | None) -> str:
    """Megabytes with a unit ("8 GB"); upstream text it cannot read stays as written; "" when empty."""
    return humanize.megabytes_text(value)


@register.filter
def duration(seconds: float | None) -> str:
    """Seconds in words ("24 hours", "1 hour 30 minutes"); "—" when unknown."""
    return humanize.duration_text(seconds)
