"""A small terminal progress bar for the management commands (one line, redrawn in place)."""

from __future__ import annotations

import time
from typing import TextIO

WIDTH = 30


def _size(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} GB"


class Bar:
    """Draws ``[#####-----]  45%  1.2 GB/2.6 GB  310.0 MB/s  ETA 0:04  label`` at most ten times a second."""

    def __init__(self, out: TextIO, *, total: int | None = None, tty: bool | None = None) -> None:
        self.out = out
        self.total = total
        self.tty = out.isatty() if tty is None else tty
        self.started = time.monotonic()
        self.last_draw = 0.0
        self.last_line = ""

    def draw(
        self,
        done: int,
        *,
        total: int | None = None,
        rate: float | None = None,
        eta: int | None = None,
        label: str = "",
        force: bool = False,
    ) -> None:
        """Redraw (throttled); without a terminal, print a line only when the label changes."""
        total = total if total is not None else self.total
        now = time.monotonic()
        if not force and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        fraction = min(done / total, 1.0) if total else 0.0
        if rate is None:
            elapsed = now - self.started
            rate = done / elapsed if elapsed > 0 else 0.0
        if eta is None and rate and total:
            eta = int((total - done) / rate)
        filled = int(fraction * WIDTH)
        eta_text = f"{eta // 60}:{eta % 60:02d}" if eta is not None else "-:--"
        line = (
            f"[{'#' * filled}{'-' * (WIDTH - filled)}] {fraction * 100:5.1f}%  {_size(done)}/"
            f"{_size(total or 0)}  {_size(rate or 0)}/s  ETA {eta_text}  {label}"
        )
        if self.tty:
            self.out.write("\r" + line.ljust(len(self.last_line)))
            self.out.flush()
        elif label != self.last_line.rsplit("  ", 1)[-1] or force:
            self.out.write(line + "\n")
        self.last_line = line

    def finish(self) -> None:
        """End the line."""
        if self.tty:
            self.out.write("\n")
            self.out.flush()
