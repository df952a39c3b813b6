"""Device input as data: column names, the checks every entry path shares, and OS family inference."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.cisco.versions import Scheme, parse_version
from portal.inventory.choices import OsFamily

# The import/export columns, in file order. hostname and pid are required; the rest may be left out.
COLUMNS = (
    "hostname",
    "pid",
    "serial",
    "current_release",
    "running_image",
    "os_family",
    "site",
    "role",
    "tags",
    "notes",
)
REQUIRED = ("hostname", "pid")
# Other spellings accepted in a CSV header (lower-cased, spaces and dashes as underscores).
ALIASES = {
    "name": "hostname",
    "device": "hostname",
    "host": "hostname",
    "product_id": "pid",
    "serial_number": "serial",
    "sn": "serial",
    "release": "current_release",
    "version": "current_release",
    "software_version": "current_release",
    "image": "running_image",
    "image_file": "running_image",
    "os": "os_family",
    "platform": "os_family",
    "description": "notes",
}
LIMITS = {
    "hostname": 255,
    "pid": 64,
    "serial": 64,
    "current_release": 64,
    "running_image": 255,
    "site": 100,
    "role": 100,
    "notes": 10_000,
}
HOSTNAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
PID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/+=-]*")
TAG_RE = re.compile(r"[\w.:/+-]{1,64}")
IMAGE_RE = re.compile(r"[^\s/\\]+")

_OS_WORDS = {
    "ios": OsFamily.IOS,
    "iosxe": OsFamily.IOS_XE,
    "xe": OsFamily.IOS_XE,
    "nxos": OsFamily.NX_OS,
    "nexus": OsFamily.NX_OS,
    "asa": OsFamily.ASA,
    "aireos": OsFamily.AIREOS,
    "wlc": OsFamily.AIREOS,
    "iosxr": OsFamily.IOS_XR,
    "xr": OsFamily.IOS_XR,
    "other": OsFamily.OTHER,
}


def header_name(text: str) -> str:
    """The column a header cell names (aliases resolved), or the cleaned text when it names none."""
    key = re.sub(r"[\s-]+", "_", (text or "").strip().lower())
    return ALIASES.get(key, key)


def os_family_from_text(text: str) -> str | None:
    """An OS family from what people write ("IOS XE", "ios-xe", "NX-OS", "nxos", "ASA"), None if unknown."""
    key = re.sub(r"[\s_.-]+", "", (text or "").lower())
    if key in _OS_WORDS:
        return _OS_WORDS[key]
    for value, label in OsFamily.choices:
        if key == re.sub(r"[\s_.-]+", "", label.lower()) or key == value.replace("_", ""):
            return value
    return None


def infer_os_family(*, pid: str = "", release: str = "", image: str = "") -> str:
    """A best guess of the OS family from the image name, the PID and the release's shape."""
    image_l, pid_u = image.lower(), pid.upper()
    rules = (
        ("iosxe" in image_l or pid_u.startswith(("C9", "ISR4", "ASR1", "C8", "IE-3")), OsFamily.IOS_XE),
        ("nxos" in image_l or pid_u.startswith(("N9K", "N3K", "N7K", "N5K", "DS-C9")), OsFamily.NX_OS),
        (image_l.startswith("asa") or pid_u.startswith(("ASA", "FPR")), OsFamily.ASA),
        (image_l.endswith(".aes") or pid_u.startswith("AIR-CT"), OsFamily.AIREOS),
        (pid_u.startswith(("ASR-9", "ASR9", "NCS", "8201")) or "-iosxr-" in image_l, OsFamily.IOS_XR),
        ("universalk9" in image_l or "lanbase" in image_l or pid_u.startswith("WS-C"), OsFamily.IOS),
    )
    for matched, family in rules:
        if matched:
            return family
    version = parse_version(release) if release else None
    if version is not None and version.scheme is Scheme.PAREN and version.train:
        return OsFamily.IOS
    return OsFamily.OTHER


def split_tags(value: Any) -> list[str]:
    """Tags from a cell ("core;lab", "core, lab") or a list, de-duplicated in order."""
    items = value if isinstance(value, list | tuple) else re.split(r"[;,|]", str(value or ""))
    seen: dict[str, None] = {}
    for item in items:
        text = str(item).strip()
        if text:
            seen.setdefault(text, None)
    return list(seen)


@dataclass(frozen=True)
class DeviceInput:
    """One valid device entry: ``values`` holds only the columns given (others are left as they are on update)."""

    hostname: str
    values: Mapping[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] | None = None  # None: tags not given, keep them
    guessed_os_family: str = OsFamily.OTHER  # used when the OS family was not given (new devices, or "other")


def _text(raw: Mapping[str, Any], name: str) -> str:
    value = raw.get(name)
    return "" if value is None else " ".join(str(value).split()) if name != "notes" else str(value).strip()


def _check(name: str, value: str) -> str | None:
    """The problem with one value, or None."""
    if len(value) > LIMITS.get(name, 10_000):
        return f"longer than {LIMITS[name]} characters"
    checks = {"hostname": HOSTNAME_RE, "pid": PID_RE, "running_image": IMAGE_RE}
    if value and name in checks and not checks[name].fullmatch(value):
        return {
            "hostname": "only letters, digits, dots, dashes, underscores and colons, starting with a letter or digit",
            "pid": "not a Cisco PID (letters, digits and - _ . / + =, no spaces)",
            "running_image": "a file name without spaces or slashes",
        }[name]
    return None


def validate_device(raw: Mapping[str, Any]) -> tuple[DeviceInput | None, list[tuple[str, str]]]:
    """Check one entry (a CSV row, a JSON object); returns the input, or the problems as (column, message)."""
    problems: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    for name in REQUIRED:
        if not _text(raw, name):
            problems.append((name, "required"))
    for name in COLUMNS:
        if name not in raw or name in ("tags", "os_family"):
            continue
        value = _text(raw, name)
        if (problem := _check(name, value)) is not None:
            problems.append((name, problem))
        values[name] = value
    if "os_family" in raw:
        text = _text(raw, "os_family")
        family = os_family_from_text(text) if text else None
        if text and family is None:
            labels = ", ".join(label for _, label in OsFamily.choices)
            problems.append(("os_family", f"unknown OS family {text!r} (one of {labels})"))
        values["os_family"] = family or ""
    tags = None
    if "tags" in raw:
        tags = split_tags(raw.get("tags"))
        bad = [t for t in tags if not TAG_RE.fullmatch(t)]
        if bad:
            problems.append(("tags", f"invalid tag {bad[0]!r} (up to 64 letters, digits and . : / + - _)"))
    if problems:
        return None, problems
    if not values.get("os_family"):
        values.pop("os_family", None)
    # Left out or blank: guessed, so the right parser and version rules apply (never over a value someone chose).
    guess = infer_os_family(
        pid=values.get("pid", ""), release=values.get("current_release", ""), image=values.get("running_image", "")
    )
    return DeviceInput(values["hostname"], values, tuple(tags) if tags is not None else None, guess), []
