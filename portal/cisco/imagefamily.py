"""Image families: the PIDs that load the same image files, keyed by the files' name stem and named the way
Cisco names the series.

Cisco ships one image file for many PIDs (every Catalyst 9300 model loads ``cat9k_iosxe.17.09.04a.SPA.bin``), and
the file name is the version wrapped in a fixed stem: ``cat9k_iosxe``, ``c2960x-universalk9-mz``, ``asa9``. The
stem is what stays when the version changes, so it is a key that a new release never moves.

The upstream names each PID (``mdfConceptName``: "Catalyst 9300 24-port Data Switch") but not its series, so a
family's name is what the names of its PIDs share, cut at a word or model-number boundary: "Catalyst 9300
24-port Data Switch", "Catalyst 9300L 24-port PoE+ 4x1G Uplink Switch" and "Catalyst 9300X 12-port 25G Fiber
Switch" share "Catalyst 9300".
"""

from __future__ import annotations

import os
import re

__all__ = ["image_family_key", "series_name"]

# The version starts at the first number that follows a separator and is itself followed by a separator and a
# digit: "17.09", "152-7", "9-16", "7.9", "169_1". A number inside a word ("cat9k", "x64", "universalk9") does not
# follow a separator; a model number ("C9800-80-universalk9") is not followed by another number.
_VERSION_START = re.compile(r"(?<=[._-])\d+(?=[._(-]\d)")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_TRAILING_NUMBER = re.compile(r"[._-]\d+$")  # a version written as one number: asdm-7171.bin
_TRAILING = re.compile(r"[\s\-_/,.(]+$")
_SERIES_WORD = re.compile(r"\s+Series$", re.IGNORECASE)
MIN_NAME = 3  # shorter shared prefixes ("C", "AS") name nothing


def image_family_key(image_name: str) -> str:
    """The stem of an image file name, without its version: ``cat9k_iosxe.17.09.04a.SPA.bin`` -> ``cat9k_iosxe``.

    A name with no recognisable version keeps everything but its extension and a trailing number."""
    name = image_name.strip()
    match = _VERSION_START.search(name)
    stem = name[: match.start()] if match else _TRAILING_NUMBER.sub("", _EXTENSION.sub("", name))
    return _TRAILING.sub("", stem) or name


def _boundary(names: list[str], cut: int) -> bool:
    """Whether every name may be cut after ``cut`` characters: at its end, before a character that is not a
    letter or digit, or between a model number and its letter suffix ("9300|L")."""
    for name in names:
        if cut >= len(name):
            continue
        before, after = name[cut - 1], name[cut]
        if after.isalnum() and not (before.isdigit() and after.isalpha()):
            return False
    return True


def series_name(concept_names: list[str]) -> str:
    """What the PIDs' upstream names share, cut at a boundary, without a trailing "Series" (empty when they share
    fewer than three characters): one name is returned whole."""
    names = sorted({" ".join(n.split()) for n in concept_names if n and n.strip()})
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    cut = len(os.path.commonprefix(names))
    while cut > 0 and not _boundary(names, cut):
        cut -= 1
    shared = _SERIES_WORD.sub("", _TRAILING.sub("", names[0][:cut]))
    shared = _TRAILING.sub("", shared)
    return shared if len(shared) >= MIN_NAME else ""
