"""What ``show version`` says beyond ntc-templates' fields: memory and flash sizes, the real image of an IOS XE
device in install mode, and IOS XR (whose ntc-templates template refuses the classic 32-bit output).

Sizes are converted to whole megabytes rounded down (``8388608K`` -> 8192, ``24633064 kB`` -> 24055), so a
device never seems to have more memory or flash than it reports; ``K``/``kB`` are 1024 bytes, as Cisco means them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from portal.inventory.choices import OsFamily

_PROMPT = re.compile(r"^(?:RP/\S+:)?(?P<host>[A-Za-z0-9][\w.:-]*)(?:\([\w-]+\))?[#>]\s*\S.*$")
_TIMESTAMP = re.compile(r"^\w{3} \w{3} +\d+ \d+:\d+:\d+(?:\.\d+)? \w+\s*$")  # IOS XR prints one after the command
_UNITS = {"k": 1, "kb": 1, "m": 1024, "mb": 1024, "g": 1024 * 1024, "gb": 1024 * 1024}


def strip_prompts(text: str) -> tuple[str, str]:
    """(the output without prompt-and-command lines and IOS XR timestamps, the hostname of the first prompt)."""
    host, kept = "", []
    for line in text.splitlines():
        prompt = _PROMPT.match(line.strip())
        if prompt and re.search(r"[#>]\s*(?:show|sh)\s", line):
            host = host or prompt["host"]
            continue
        if not _TIMESTAMP.match(line.strip()):
            kept.append(line)
    return "\n".join(kept) + "\n", host


def _first(patterns: Iterable[str], text: str) -> int | None:
    """The size the first matching pattern gives (its number groups added up, its last group the unit), in whole
    megabytes rounded down; None when none matches, or for absurd figures (the field's own check refuses those)."""
    for pattern in patterns:
        match = re.search(pattern, text, re.M | re.I)
        if match:
            *numbers, unit = match.groups()
            if any(len(n) > 12 for n in numbers):
                return None
            return sum(int(n) for n in numbers) * _UNITS[unit.lower()] // 1024 or None
    return None


_MEMORY: dict[str, tuple[str, ...]] = {
    # IOS XE: the physical line; the processor line counts IOSd's share only.
    OsFamily.IOS_XE: (r"^(\d+)(K) bytes of physical memory", r"with (\d+)K/(\d+)(K) bytes of memory"),
    # IOS: main and I/O memory together are the DRAM (487424K/36864K -> 512 MB).
    OsFamily.IOS: (r"with (\d+)K/(\d+)(K) bytes of memory", r"with (\d+)(K) bytes of memory"),
    OsFamily.NX_OS: (r"with (\d+) (kB) of memory",),
    OsFamily.ASA: (r"^Hardware:\s+[^,\n]+,\s*(\d+) (MB) RAM",),
    OsFamily.IOS_XR: (r"processor with (\d+)\s?(K|M|G)B?(?: bytes)? of memory",),
}
_FLASH: dict[str, tuple[str, ...]] = {
    # The first flash file system (flash:, bootflash:, flash0:), never NVRAM or crash files.
    OsFamily.IOS_XE: (r"^(\d+)(K) bytes of (?:flash memory|Flash) at (?:boot)?flash\d?:",),
    OsFamily.IOS: (
        r"^(\d+)(K) bytes of (?:flash memory|Flash) at (?:boot)?flash\d?:",
        r"^(\d+)(K) bytes of ATA (?:System )?CompactFlash 0",
        r"^(\d+)(K) bytes of processor board System flash",
    ),
    OsFamily.NX_OS: (r"^\s*bootflash:\s*(\d+) (kB)",),
    OsFamily.ASA: (r"^Internal ATA Compact Flash, (\d+)\s*(MB)",),
    OsFamily.IOS_XR: (r"^(\d+)(k) bytes of disk0:",),
}


def memory_flash(text: str, os_family: str) -> tuple[int | None, int | None]:
    """(memory, flash) in megabytes as show version of that OS family reports them; None where it does not."""
    return _first(_MEMORY.get(os_family, ()), text), _first(_FLASH.get(os_family, ()), text)


def install_mode(text: str, system_image: str) -> bool:
    """True when an IOS XE device boots a package set (install mode) instead of one image file."""
    return (
        system_image.lower().endswith(".conf")
        or bool(re.search(r"^Installation mode is INSTALL", text, re.M))
        or bool(re.search(r"^\*?\s*\d+\s+\d+\s+\S+\s+\S+\s+\S+\s+INSTALL\s*$", text, re.M))
    )


def install_image(text: str, system_image: str) -> str:
    """The image file an install-mode IOS XE device was installed from, when show version names it; else "".

    A ``<image>.conf`` boot file is named after its image (``cat9k_iosxe.17.09.04a.SPA.conf``). ``packages.conf``
    is not: then only Catalyst 9000 images follow a rule Cisco keeps (``<software image>.<XE version>.SPA.bin``,
    e.g. ``cat9k_iosxe.17.09.04a.SPA.bin``); other platforms' image names cannot be told from show version."""
    name = re.split(r"[:/]", system_image)[-1]
    if name.lower().endswith(".conf") and name.lower() != "packages.conf":
        return name[: -len(".conf")] + ".bin"
    software = re.search(r"\((CAT9K[A-Z0-9_]*_IOSXE)\)", text)
    xe_version = re.search(r"^Cisco IOS XE Software, Version (\S+)", text, re.M)
    if software and xe_version:
        return f"{software.group(1).lower()}.{xe_version.group(1)}.SPA.bin"
    return ""


def xr_record(text: str) -> dict[str, str]:
    """Version, hostname and hardware from IOS XR show version (classic 32-bit, 64-bit eXR and XR7)."""
    version = re.search(r"^Cisco IOS XR Software, Version (\d[\w.]*)", text, re.M)
    host = re.search(r"^(\S+) uptime is ", text, re.M)
    hardware = re.search(r"^cisco (\S+) \(.*\) processor", text, re.M)
    return {
        "version": version.group(1) if version else "",
        "hostname": host.group(1) if host and host.group(1) != "System" else "",
        "hardware": hardware.group(1) if hardware else "",
    }
