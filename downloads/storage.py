"""Content-addressed storage: ``<root>/<sha512[:2]>/<sha512>`` for verified files, ``<root>/.partial/`` for
transfers in progress (same filesystem, so the final ``os.replace`` is atomic).

File names from upstream never become paths: :func:`validate_image_name` checks them and they are kept only as
display and download names. Paths here are built from hex digests alone.
"""

from __future__ import annotations

import os
import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from downloads import conf

PARTIAL_DIR = ".partial"
MAX_NAME_LENGTH = 255
_HEX = re.compile(r"[0-9a-f]{128}")


class UnsafeImageName(ValueError):
    """A file name that may not be used, even for display (separators, "..", control characters, too long)."""


def validate_image_name(name: str) -> str:
    """Return ``name`` if it is a safe plain file name; raise :class:`UnsafeImageName` saying why not."""
    if not isinstance(name, str) or not name.strip():
        raise UnsafeImageName("the image name is empty")
    if len(name) > MAX_NAME_LENGTH:
        raise UnsafeImageName(f"the image name is {len(name)} characters long (at most {MAX_NAME_LENGTH})")
    if "/" in name or "\\" in name:
        raise UnsafeImageName("the image name contains a path separator")
    if ".." in name:
        raise UnsafeImageName('the image name contains ".."')
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise UnsafeImageName("the image name contains control characters")
    if name != name.strip() or name.startswith("."):
        raise UnsafeImageName("the image name starts with a dot or has surrounding spaces")
    return name


def _check_digest(sha512: str) -> str:
    if not _HEX.fullmatch(sha512 or ""):
        raise ValueError("a sha512 must be 128 lower-case hex digits")
    return sha512


def root() -> Path:
    """The storage root."""
    return conf.storage_dir()


def stored_path(sha512: str) -> Path:
    """Where the verified file with this digest lives."""
    digest = _check_digest(sha512)
    return root() / digest[:2] / digest


def partial_dir() -> Path:
    """The folder of partial files (created on demand)."""
    path = root() / PARTIAL_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def partial_path(sha512: str) -> Path:
    """The partial file of the transfer of this digest (one transfer per image, so one partial per digest)."""
    return partial_dir() / _check_digest(sha512)


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit_partial(partial: Path, sha512: str) -> Path:
    """fsync the verified partial and move it atomically to its content address; return the final path."""
    final = stored_path(sha512)
    final.parent.mkdir(parents=True, exist_ok=True)
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, final)
    fsync_dir(final.parent)
    return final


@dataclass(frozen=True)
class SweptFile:
    """A partial file deleted by :func:`sweep_partials`."""

    name: str
    size: int
    age_seconds: float


def sweep_partials(live_digests: Iterable[str], *, max_age_seconds: float) -> list[SweptFile]:
    """Delete partial files older than ``max_age_seconds`` that no live transfer owns."""
    live = set(live_digests)
    swept = []
    now = time.time()
    for path in partial_dir().iterdir():
        try:
            info = path.stat()
        except FileNotFoundError:
            continue
        age = now - info.st_mtime
        if path.name in live or age < max_age_seconds or not path.is_file():
            continue
        path.unlink(missing_ok=True)
        swept.append(SweptFile(path.name, info.st_size, age))
    return swept
