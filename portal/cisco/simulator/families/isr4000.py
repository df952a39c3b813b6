"""ISR 4000 Series: branch routers on IOS XE (``isr4300``/``isr4400`` universal images) and their ROMMON."""

from __future__ import annotations

import re
from collections.abc import Callable

from portal.cisco.simulator.families.base import (
    DOCS,
    IOS_XE,
    IOS_XE_ROMMON,
    SUPPORT,
    Family,
    ImageKind,
    Line,
    ReleaseRow,
    SoftwareTypeSpec,
    one_type,
    products,
    releases,
    xe_file,
)


def _parts(match: re.Match[str] | None, version: str) -> tuple[str, ...]:
    """The groups of a version this family writes itself (so it always matches; a typo in the catalog stops)."""
    if match is None:
        raise ValueError(f"not a version of this family: {version!r}")
    return match.groups()


SET_4300 = "isr4300-iosxe"
SET_4400 = "isr4400-iosxe"
FIELD_NOTICES = SUPPORT + "routers/4000-series-integrated-services-routers-isr/products-field-notices-list.html"


def rommon_file(version: str) -> str:
    """ROMMON as file names write it: ``16.12(2r)`` -> ``1612_2r``."""
    major, minor, rebuild = _parts(re.fullmatch(r"(\d+)\.(\d+)\((\w+)\)", version), version)
    return f"{major}{minor}_{rebuild}"


def _notes(version: str) -> str:
    train = "-".join(version.split(".")[:2])
    return f"{DOCS}routers/access/isr4400/release/{train}/isr4k-release-notes-{train}.html"


def _xe_line(platform: str, mib: float) -> Line:
    return Line(
        kinds=(
            ImageKind(
                lambda v: f"{platform}-universalk9.{xe_file(v)}.SPA.bin",
                mib,
                "UNIVERSAL",
                min_dram="4096",
                min_flash="8192",
            ),
        ),
        field_notice=FIELD_NOTICES,
        notes=_notes,
    )


def _rommon_name(platform: str) -> Callable[[str], str]:
    return lambda version: f"{platform}_rommon_{rommon_file(version)}_SPA.pkg"


def _rommon_line(*platforms: str) -> Line:
    return Line(
        kinds=tuple(ImageKind(_rommon_name(p), 9.1, "ROMMON", crypto=False) for p in platforms),
        field_notice=FIELD_NOTICES,
    )


XE_4300 = (
    ReleaseRow("17.3.8a", "2023-10-30", 598, suggested=True),
    ReleaseRow("17.9.4a", "2023-10-22", 668, suggested=True),
    ReleaseRow("17.12.4", "2024-10-29", 702, suggested=True, cloud=True),
)
XE_4400 = (
    ReleaseRow("17.9.4a", "2023-10-22", 712, suggested=True, restriction="LOGIN_REQD"),
    ReleaseRow("17.12.4", "2024-10-29", 745, suggested=True, cloud=True),
)
ROMMON_4300 = (
    ReleaseRow("16.9(1r)", "2018-07-30", 8.6),
    ReleaseRow("16.12(1r)", "2019-11-22", 9.0, suggested=True),
    ReleaseRow("16.12(2r)", "2020-06-18", 9.1, suggested=True),
)
ROMMON_4400 = (
    ReleaseRow("16.12(1r)", "2019-11-22", 9.2),
    ReleaseRow("16.12(2r)", "2020-06-18", 9.3, suggested=True),
)


def _software(
    xe: Line, xe_rows: tuple[ReleaseRow, ...], rommon: Line, rommon_rows: tuple[ReleaseRow, ...]
) -> tuple[SoftwareTypeSpec, ...]:
    return (
        one_type(*IOS_XE, "IOS XE", releases(xe, xe_rows)),
        one_type(*IOS_XE_ROMMON, "IOS XE", releases(rommon, rommon_rows)),
    )


FAMILY = Family(
    key="isr4000",
    title="4000 Series Integrated Services Routers",
    software_type_sets={
        SET_4300: _software(_xe_line("isr4300", 640), XE_4300, _rommon_line("isr4200_4300"), ROMMON_4300),
        SET_4400: _software(_xe_line("isr4400", 712), XE_4400, _rommon_line("isr4400", "isr4400v2"), ROMMON_4400),
    },
    products=products(
        SET_4300,
        (
            ("ISR4321/K9", "286006221", "4321 Integrated Services Router"),
            ("ISR4331/K9", "285018115", "4331 Integrated Services Router"),
            ("ISR4351/K9", "284389362", "4351 Integrated Services Router"),
        ),
    )
    + products(
        SET_4400,
        (
            ("ISR4431/K9", "284358776", "4431 Integrated Services Router"),
            ("ISR4451-X/K9", "283973122", "4451-X Integrated Services Router"),
            ("ISR4461/K9", "286321153", "4461 Integrated Services Router"),
        ),
    ),
)
