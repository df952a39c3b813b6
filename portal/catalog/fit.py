"""Will a target image fit a device? Its published minimums (minDram, minFlash, in MB) against the device's
memory and flash (inventory's memory_mb, flash_mb): pure functions shared by the recommendation rules and the
pages, so the verdict and its words come from one place.

* ``fits``: every published minimum is met by a known figure (at least one minimum is published), or the
  target is what the device runs already (it evidently fits);
* ``too_small``: a known figure is below its minimum, whatever else is unknown (``*_short_mb`` say by how much);
* ``unknown``: no target image, no published minimum, or a minimum whose device figure is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.catalog.choices import Fit
from portal.cisco.sizes import megabytes_text


@dataclass(frozen=True)
class FitResult:
    """The verdict with the figures behind it (MB; None when not known or not short)."""

    fit: str = Fit.UNKNOWN
    min_memory_mb: int | None = None
    min_flash_mb: int | None = None
    memory_short_mb: int | None = None
    flash_short_mb: int | None = None


def _short(minimum: int | None, have: int | None) -> int | None:
    return minimum - have if minimum is not None and have is not None and have < minimum else None


def fit_of(
    *, min_memory_mb: int | None, min_flash_mb: int | None, memory_mb: int | None, flash_mb: int | None, running: bool
) -> FitResult:
    """The verdict for a target image with these minimums on a device with these figures (``running``: the
    device runs the target already)."""
    minimums = {"min_memory_mb": min_memory_mb, "min_flash_mb": min_flash_mb}
    if running:
        return FitResult(Fit.FITS, **minimums)
    memory_short, flash_short = _short(min_memory_mb, memory_mb), _short(min_flash_mb, flash_mb)
    if memory_short or flash_short:
        return FitResult(Fit.TOO_SMALL, **minimums, memory_short_mb=memory_short, flash_short_mb=flash_short)
    pairs = [(minimum, have) for minimum, have in ((min_memory_mb, memory_mb), (min_flash_mb, flash_mb)) if minimum]
    if pairs and all(have is not None for _, have in pairs):
        return FitResult(Fit.FITS, **minimums)
    return FitResult(Fit.UNKNOWN, **minimums)


def needs_text(min_memory_mb: int | None, min_flash_mb: int | None) -> str:
    """What the image asks for: "DRAM ≥ 8 GB, flash ≥ 16 GB" (empty when nothing is published)."""
    parts = [f"DRAM ≥ {megabytes_text(min_memory_mb)}" if min_memory_mb else "",
             f"flash ≥ {megabytes_text(min_flash_mb)}" if min_flash_mb else ""]  # fmt: skip
    return ", ".join(part for part in parts if part)


def short_text(memory_short_mb: int | None, flash_short_mb: int | None) -> str:
    """What is missing: "4 GB of DRAM and 2 GB of flash short"."""
    parts = [f"{megabytes_text(memory_short_mb)} of DRAM" if memory_short_mb else "",
             f"{megabytes_text(flash_short_mb)} of flash" if flash_short_mb else ""]  # fmt: skip
    return " and ".join(part for part in parts if part) + " short"


def fit_text(result: FitResult, *, memory_mb: int | None, flash_mb: int | None, has_target: bool = True) -> str:
    """The verdict in a sentence, for the device page and the reason text."""
    needs = needs_text(result.min_memory_mb, result.min_flash_mb)
    if result.fit == Fit.TOO_SMALL:
        return f"Does not fit: {short_text(result.memory_short_mb, result.flash_short_mb)} (needs {needs})."
    if result.fit == Fit.FITS:
        return f"Fits (needs {needs})." if needs else "Fits: the device runs it."
    if not has_target:
        return "Fit unknown: no target image."
    if not needs:
        return "Fit unknown: the target image publishes no minimum DRAM or flash."
    missing = [name for name, minimum, have in (("memory", result.min_memory_mb, memory_mb),
               ("flash", result.min_flash_mb, flash_mb)) if minimum and have is None]  # fmt: skip
    return f"Fit unknown: needs {needs}; the device's {' and '.join(missing)} is not known."
