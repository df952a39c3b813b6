"""Device input as data: the device's fields (defined once, for the form, the API, CSV and the import page), the
one function that checks an entry whatever its source (form, API, CSV, show version, NetBox), and the OS family
guess from the PID.

Every rule is anchored (the whole value must match) and refuses rather than repairs: a value with a control
character, markup in a name, or a release that is not a release of the device's OS family is an error naming
the field, never silently cut or kept. A release is stored in its canonical spelling (``17.09.04a`` ->
``17.9.4a``, see :func:`portal.cisco.versions.read_release`), so equivalent spellings are one release.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.cisco.versions import ReleaseError, Scheme, parse_version, read_release
from portal.inventory.choices import OsFamily


@dataclass(frozen=True)
class DeviceField:
    """One field of a device entry: its name (the CSV column, form field and API key), label and meaning."""

    name: str
    label: str
    doc: str
    limit: int = 0  # most characters of a text field (0: not text)
    required: bool = False


MAX_MEGABYTES = 100_000_000  # 100 TB: above any device's memory or flash, below every integer column's limit
DEVICE_FIELDS = (
    DeviceField("hostname", "Hostname", "required, unique; the key: a known hostname updates that device", 255, True),
    DeviceField("pid", "PID", "required; Cisco product ID, e.g. C9300-24P", 64, True),
    DeviceField("serial", "Serial number", "serial number", 64),
    DeviceField(
        "current_release",
        "Current release",
        "as Cisco writes it: 17.9.4a (17.09.04a is read as 17.9.4a), 15.2(7)E8, 9.3(10), 9.16(4)19; "
        "it must be a release of the device's OS family",
        64,
    ),
    DeviceField(
        "running_image", "Running image", "the image file name it boots, e.g. cat9k_iosxe.17.09.04a.SPA.bin", 255
    ),
    DeviceField(
        "os_family", "OS family", "IOS, IOS XE, NX-OS, ASA, AireOS, IOS XR or other; guessed from the PID when empty"
    ),
    DeviceField("site", "Site", "site name (standards can be scoped to it)", 100),
    DeviceField("role", "Role", "role, e.g. access or core (standards can be scoped to it)", 100),
    DeviceField("memory_mb", "Memory (MB)", "DRAM in megabytes, a whole number, e.g. 8192"),
    DeviceField("flash_mb", "Flash (MB)", "flash (bootflash) in megabytes, a whole number, e.g. 11000"),
    DeviceField("tags", "Tags", "separated by ; or , e.g. pci;critical"),
    DeviceField("notes", "Notes", "free text", 10_000),
)
FIELDS = {f.name: f for f in DEVICE_FIELDS}
COLUMNS = tuple(FIELDS)  # the import/export columns, in file order
REQUIRED = tuple(f.name for f in DEVICE_FIELDS if f.required)
LIMITS = {f.name: f.limit for f in DEVICE_FIELDS if f.limit}
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
    "memory": "memory_mb",
    "dram_mb": "memory_mb",
    "flash": "flash_mb",
    "description": "notes",
}
HOSTNAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
PID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/+=-]*")
SERIAL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]*")
IMAGE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+~-]*")
TAG_RE = re.compile(r"(?!.*\.\.)\w[\w.:/+-]{0,63}")
MEGABYTES_RE = re.compile(r"[0-9]{1,12}")
_PATTERNS = {
    "hostname": (HOSTNAME_RE, "letters, digits, dots, dashes, underscores and colons, starting with a letter or digit"),
    "pid": (
        PID_RE,
        "not a Cisco PID (letters, digits and - _ . / + =, starting with a letter or digit), e.g. C9300-24P",
    ),
    "serial": (SERIAL_RE, "letters, digits and - _ . : /, starting with a letter or digit"),
    "running_image": (IMAGE_RE, "a file name (letters, digits and - _ . + ~), e.g. cat9k_iosxe.17.09.04a.SPA.bin"),
}
# Characters no single-line value may hold: control and format characters (newlines, bidi overrides, zero-width),
# line and paragraph separators; notes may hold newlines and tabs.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})

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
    """One valid device entry: ``values`` holds only the columns given (others are left as they are on update).
    Made only by :func:`validate_device`, so holding one means every rule was applied."""

    hostname: str
    values: Mapping[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] | None = None  # None: tags not given, keep them
    guessed_os_family: str = OsFamily.OTHER  # used when the OS family was not given (new devices, or "other")


class _Problem(ValueError):
    """One value breaks a rule (the message names what is expected)."""


def _forbidden(text: str, *, multiline: bool) -> str | None:
    for char in text:
        if multiline and char in "\n\r\t":
            continue
        if unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            return f"U+{ord(char):04X}"
    return None


def _text(name: str, value: Any) -> str:
    """A text value as given (stripped), refused when it is not text, too long, or holds control characters."""
    if value is None:
        return ""
    if isinstance(value, bool | dict | list | tuple | set):
        raise _Problem("must be text")
    text = str(value).strip()
    limit = LIMITS.get(name, 0)
    if limit and len(text) > limit:
        raise _Problem(f"longer than {limit} characters")
    if (char := _forbidden(text, multiline=name == "notes")) is not None:
        what = "printable characters only" if name == "notes" else "one line of printable characters only"
        raise _Problem(f"holds a control or invisible character ({char}); {what}")
    if name == "notes":
        return text
    text = " ".join(text.split())
    if name in _PATTERNS and text:
        pattern, expected = _PATTERNS[name]
        if not pattern.fullmatch(text):
            raise _Problem(expected)
    elif name in ("site", "role") and ("<" in text or ">" in text):
        raise _Problem("must not contain < or >")
    return text


def _megabytes(name: str, value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not MEGABYTES_RE.fullmatch(text) or not 1 <= int(text) <= MAX_MEGABYTES:
        raise _Problem(f"a whole number of megabytes from 1 to {MAX_MEGABYTES}, e.g. 8192")
    return int(text)


def _os_family(name: str, value: Any) -> str:
    text = _text(name, value)
    family = os_family_from_text(text) if text else ""
    if family is None:
        labels = ", ".join(label for _, label in OsFamily.choices)
        raise _Problem(f"unknown OS family {text!r} (one of {labels})")
    return family


def _tags(name: str, value: Any) -> tuple[str, ...]:
    if value is not None and not isinstance(value, str | list | tuple):
        raise _Problem("a list of tags, or one text separated by ; or ,")
    tags = split_tags(value)
    for tag in tags:
        if not isinstance(tag, str) or _forbidden(tag, multiline=False) or not TAG_RE.fullmatch(tag):
            raise _Problem(f"invalid tag {str(tag)[:70]!r} (up to 64 letters, digits and . : / + - _, no '..')")
    return tuple(tags)


# The reader of each column that is not plain text (text columns are read by _text).
_READERS: dict[str, Callable[[str, Any], Any]] = {
    "memory_mb": _megabytes,
    "flash_mb": _megabytes,
    "os_family": _os_family,
    "tags": _tags,
}


def _read(raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Each given column read by its own rule: (values, problems)."""
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for name in COLUMNS:
        if name in raw:
            try:
                values[name] = _READERS.get(name, _text)(name, raw[name])
            except _Problem as exc:
                problems.append((name, str(exc)))
    return values, problems


def device_values(raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Some device columns read by their own rules, without an entry's cross-field checks: (values, problems).
    For values matched against devices' (a standard's site and role), which must be written as a device's are."""
    return _read(raw)


def _release_family(values: Mapping[str, Any], existing: Mapping[str, Any], guess: str) -> str:
    """The OS family a release is read in: the one given, else the device's own, else the guess."""
    chosen = values.get("os_family") or existing.get("os_family") or OsFamily.OTHER
    return guess if chosen == OsFamily.OTHER else chosen


def validate_device(
    raw: Mapping[str, Any], *, existing: Mapping[str, Any] | None = None
) -> tuple[DeviceInput | None, list[tuple[str, str]]]:
    """Check one entry (a CSV row, a JSON object, a form, parsed show version, a NetBox device): the input, or
    the problems as (column, message). ``existing`` holds the current values of the device the entry changes,
    for columns the entry leaves out (the API's PATCH): they still count for the required columns and for
    reading the release in its OS family."""
    existing = existing or {}
    values, problems = _read(raw)
    failed = {column for column, _ in problems}
    problems += [(n, "required") for n in REQUIRED if n not in failed and not (values if n in raw else existing).get(n)]
    known = {**existing, **{k: v for k, v in values.items() if v not in ("", None)}}
    release = str(values.get("current_release") or "")
    guess = infer_os_family(pid=known.get("pid", ""), release=release, image=known.get("running_image", ""))
    if release and "current_release" not in failed:
        try:
            values["current_release"] = str(read_release(release, _release_family(values, existing, guess)))
        except ReleaseError as exc:
            problems.append(("current_release", str(exc)))
    if problems:
        return None, problems
    tags = values.pop("tags", None)
    if not values.get("os_family"):
        values.pop("os_family", None)  # left out or blank: guessed (never over a value someone chose)
    return DeviceInput(values.get("hostname") or existing.get("hostname", ""), values, tags, guess), []
