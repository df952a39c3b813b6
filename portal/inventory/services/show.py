"""Devices from pasted ``show version`` (and ``show inventory`` for PID and serial), parsed with ntc-templates.

IOS XE has no templates of its own in ntc-templates: its output is parsed with the cisco_ios templates and
recognised by its banner ("Cisco IOS XE Software"). IOS XR's show version is read by our own rules
(:mod:`portal.inventory.services.showtext`, which also reads memory, flash and install mode). Prompt lines
(``switch#show version``) pasted with the output are dropped, their hostname kept as a fallback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ntc_templates.parse import parse_output
from textfsm import TextFSMError

from portal.cisco.versions import normalize
from portal.inventory.choices import DeviceSource, OsFamily
from portal.inventory.services.devices import DeviceInvalid, devices_known, devices_upsert
from portal.inventory.services.fields import validate_device
from portal.inventory.services.showtext import install_image, install_mode, memory_flash, strip_prompts, xr_record

PLATFORMS = {"cisco_ios": "IOS / IOS XE", "cisco_nxos": "NX-OS", "cisco_asa": "ASA", "cisco_xr": "IOS XR"}
MAX_TEXT = 200_000


class ShowParseError(ValueError):
    """The pasted text could not be read as show version output of a supported platform."""


@dataclass(frozen=True)
class ShowFacts:
    """What a show version (+ show inventory) says about a device."""

    platform: str
    os_family: str
    hostname: str
    pid: str
    serial: str
    current_release: str
    running_image: str
    memory_mb: int | None = None
    flash_mb: int | None = None
    warnings: tuple[str, ...] = field(default=())

    def as_row(self) -> dict[str, Any]:
        """The facts as device columns: what the output did not tell is left out (kept as it is on update)."""
        row: dict[str, Any] = {"hostname": self.hostname, "pid": self.pid, "os_family": self.os_family}
        for name in ("serial", "current_release", "running_image", "memory_mb", "flash_mb"):
            if getattr(self, name) not in ("", None):
                row[name] = getattr(self, name)
        return row


def detect_platform(text: str) -> str:
    """The ntc-templates platform of a show version text, from its banner."""
    if "Cisco Nexus Operating System" in text or re.search(r"^\s*NXOS: version", text, re.M):
        return "cisco_nxos"
    if "Adaptive Security Appliance" in text:
        return "cisco_asa"
    if "Cisco IOS XR Software" in text:
        return "cisco_xr"
    if re.search(r"Cisco IOS[ -]XE Software|Cisco IOS Software", text, re.I):
        return "cisco_ios"
    raise ShowParseError("This does not look like show version from IOS, IOS XE, NX-OS, ASA or IOS XR.")


def _parse(platform: str, command: str, text: str) -> list[dict[str, Any]]:
    try:
        return parse_output(platform=platform, command=command, data=text)
    except (TextFSMError, ValueError) as exc:
        raise ShowParseError(f"{command} could not be parsed as {PLATFORMS[platform]}: {exc}") from None


def _basename(path: str) -> str:
    """``flash:/dir/file.bin`` or ``bootflash:///file.bin`` -> ``file.bin``."""
    return re.split(r"[:/]", path.strip().strip('"'))[-1] if path else ""


def _first(value: Any) -> str:
    if isinstance(value, list):
        return str(value[0]).strip() if value else ""
    return str(value or "").strip()


def _chassis(inventory: Sequence[dict[str, Any]]) -> tuple[str, str]:
    """(PID, serial) of the chassis: the entry named like a chassis or switch 1, else the first one."""
    for entry in inventory:
        name = str(entry.get("name", "")).lower()
        if name in ("chassis", "switch 1") or "chassis" in name or "stack" in name:
            return str(entry.get("pid", "")).strip(), str(entry.get("sn", "")).strip()
    if inventory:
        return str(inventory[0].get("pid", "")).strip(), str(inventory[0].get("sn", "")).strip()
    return "", ""


def _ios(record: dict[str, Any], text: str) -> dict[str, str]:
    xe = bool(re.search(r"Cisco IOS[ -]XE Software", text, re.I))
    system_serial = re.search(r"^System [Ss]erial [Nn]umber\s*:\s*(\S+)", text, re.M)
    image = _first(record.get("running_image"))
    if xe and install_mode(text, image):
        image = install_image(text, image)  # "" when the real file cannot be told: left as it is
    return {
        "os_family": OsFamily.IOS_XE if xe else OsFamily.IOS,
        "hostname": _first(record.get("hostname")),
        "pid": _first(record.get("hardware")),
        "serial": system_serial.group(1) if system_serial else _first(record.get("serial")),
        "current_release": _first(record.get("version")),
        "running_image": _basename(image),
    }


def _nxos(record: dict[str, Any], text: str) -> dict[str, str]:
    platform = _first(record.get("platform"))
    return {
        "os_family": OsFamily.NX_OS,
        "hostname": _first(record.get("hostname")),
        # show version names the chassis without its N9K- prefix; show inventory gives the real PID.
        "pid": f"N9K-{platform}" if platform.startswith("C9") else platform,
        "serial": _first(record.get("serial")),
        "current_release": _first(record.get("os")),
        "running_image": _basename(_first(record.get("boot_image"))),
    }


def _asa(record: dict[str, Any], text: str) -> dict[str, str]:
    hardware = _first(record.get("hardware")).split(",")[0].strip()
    return {
        "os_family": OsFamily.ASA,
        "hostname": _first(record.get("hostname")),
        "pid": _first(record.get("model")) or hardware,
        "serial": _first(record.get("serial")),
        "current_release": _first(record.get("version")),
        "running_image": _basename(_first(record.get("image"))),
    }


def _xr(record: dict[str, Any], text: str) -> dict[str, str]:
    # The System image file of IOS XR is a boot file of installed packages, never an image Cisco lists.
    return {
        "os_family": OsFamily.IOS_XR,
        "hostname": record["hostname"],
        "pid": record["hardware"],
        "serial": "",
        "current_release": record["version"],
        "running_image": "",
    }


_READERS = {"cisco_ios": _ios, "cisco_nxos": _nxos, "cisco_asa": _asa, "cisco_xr": _xr}


def show_parse(*, show_version: str, show_inventory: str = "", platform: str = "auto") -> ShowFacts:
    """Read the device facts from show version (and show inventory); raises ShowParseError when it cannot."""
    if len(show_version) > MAX_TEXT or len(show_inventory) > MAX_TEXT:
        raise ShowParseError("The pasted text is too long.")
    show_version, prompt_host = strip_prompts(show_version)
    show_inventory, _ = strip_prompts(show_inventory)
    if not show_version.strip():
        raise ShowParseError("Paste the output of show version.")
    platform = detect_platform(show_version) if platform in ("", "auto") else platform
    if platform not in _READERS:
        raise ShowParseError(f"Unsupported platform {platform!r}.")
    records = [xr_record(show_version)] if platform == "cisco_xr" else _parse(platform, "show version", show_version)
    if not records:
        raise ShowParseError(f"No show version fields found for {PLATFORMS[platform]}.")
    facts = _READERS[platform](records[0], show_version)
    facts["hostname"] = facts["hostname"] or prompt_host
    facts["current_release"] = normalize(facts["current_release"])  # the spelling stored, when it is a release
    memory, flash = memory_flash(show_version, facts["os_family"])
    warnings = []
    if show_inventory.strip():
        pid, serial = _chassis(_parse(platform, "show inventory", show_inventory))
        facts["pid"], facts["serial"] = pid or facts["pid"], serial or facts["serial"]
    else:
        warnings.append("No show inventory given: PID and serial number come from show version.")
    for name in ("hostname", "pid", "current_release"):
        if not facts[name]:
            warnings.append(f"show version did not give the {name.replace('_', ' ')}.")
    if not facts["running_image"]:
        warnings.append(_NO_IMAGE[platform])
    return ShowFacts(platform=platform, memory_mb=memory, flash_mb=flash, warnings=tuple(warnings), **facts)


_NO_IMAGE = {
    "cisco_ios": "The device runs in install mode (packages.conf) and show version does not name the image it was "
    "installed from: the running image is left as it was; enter it by hand for image checks.",
    "cisco_xr": "IOS XR boots installed packages and show version names no image file: the running image is left "
    "as it was; enter it by hand for image checks.",
    "cisco_nxos": "show version did not give the running image.",
    "cisco_asa": "show version did not give the running image.",
}


def device_from_show(
    *, facts: ShowFacts, hostname: str = "", site: str = "", role: str = "", tags: Sequence[str] | None = None
) -> tuple[int, bool]:
    """Create or update the device the facts describe; returns (device id, created).

    ``hostname`` overrides the parsed one; site, role and tags are set only when given. The facts and what was
    typed are checked like every entry; raises DeviceInvalid naming each field that breaks a rule."""
    row: dict[str, Any] = facts.as_row()
    row["hostname"] = hostname.strip() or facts.hostname
    for name, value in (("site", site), ("role", role)):
        if value.strip():
            row[name] = value
    if tags is not None:
        row["tags"] = list(tags)
    entry, problems = validate_device(row, existing=devices_known([row["hostname"]]).get(row["hostname"].strip()))
    if entry is None:
        raise DeviceInvalid(problems)
    result = devices_upsert(entries=[entry], source=DeviceSource.SHOW)
    return result.device_ids[0], bool(result.created)
