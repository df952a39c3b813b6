"""ASA 5500-X Series firewalls: ASA software 9.12 to 9.16 (``asa9-x-y-z-smp-k8.bin``) and ASDM images."""

from __future__ import annotations

import re

from portal.cisco.simulator.families.base import (
    ASA,
    ASDM,
    DOCS,
    SUPPORT,
    Family,
    ImageKind,
    Line,
    ReleaseRow,
    asa_file,
    one_type,
    products,
    releases,
)


def _parts(match: re.Match[str] | None, version: str) -> tuple[str, ...]:
    """The groups of a version this family writes itself (so it always matches; a typo in the catalog stops)."""
    if match is None:
        raise ValueError(f"not a version of this family: {version!r}")
    return match.groups()


SET = "asa5500x"
FIELD_NOTICES = SUPPORT + "security/asa-5500-series-next-generation-firewalls/products-field-notices-list.html"
PERSIST_RCE_SA = "cisco-sa-asaftd-persist-rce-FLsNXF4h"
WEBSRVS_DOS_SA = "cisco-sa-asaftd-websrvs-dos-X8gNucD2"


def _minor(version: str) -> str:
    return version.split(".")[1].split("(")[0]


def asdm_file(version: str) -> str:
    """ASDM as file names write it: ``7.19(1)`` -> ``asdm-7191.bin``, ``7.18(1)152`` -> ``asdm-7181-152.bin``."""
    major, minor, release, interim = _parts(re.fullmatch(r"(\d+)\.(\d+)\((\d+)\)(\d*)", version), version)
    return f"asdm-{major}{minor}{release}" + (f"-{interim}" if interim else "") + ".bin"


ASA_LINE = Line(
    kinds=(
        ImageKind(
            lambda v: f"asa{asa_file(v)}-smp-k8.bin",
            112,
            description="Cisco Adaptive Security Appliance Software for ASA 5500-X",
            min_dram="8192",
            min_flash="4096",
        ),
    ),
    field_notice=FIELD_NOTICES,
    notes=lambda v: f"{DOCS}security/asa/asa9{_minor(v)}/release/notes/asarn9{_minor(v)}.html",
)
ASDM_LINE = Line(
    kinds=(ImageKind(asdm_file, 124, description="Cisco Adaptive Security Device Manager", crypto=False),),
    field_notice=FIELD_NOTICES,
    notes=lambda v: f"{DOCS}security/asa/asdm7{_minor(v)}/release/notes/rn7{_minor(v)}.html",
)

ASA_ROWS = (
    ReleaseRow("9.12(4)58", "2023-05-12", 105),
    ReleaseRow("9.12(4)62", "2023-10-06", 105, psirt=WEBSRVS_DOS_SA),
    ReleaseRow("9.12(4)65", "2024-04-24", 106, suggested=True),
    ReleaseRow("9.14(4)13", "2022-11-18", 111),
    ReleaseRow("9.14(4)17", "2023-04-21", 112),
    ReleaseRow("9.14(4)22", "2023-09-29", 112, psirt=WEBSRVS_DOS_SA),
    ReleaseRow("9.14(4)23", "2024-04-24", 113, suggested=True),
    ReleaseRow("9.16(4)19", "2022-11-04", 119),
    ReleaseRow("9.16(4)38", "2023-06-09", 120, deferred_to="9.16(4)48"),
    ReleaseRow("9.16(4)48", "2023-11-17", 121, psirt=PERSIST_RCE_SA, advisory=True),
    ReleaseRow("9.16(4)57", "2024-04-24", 122, suggested=True, cloud=True),
)
ASDM_ROWS = (
    ReleaseRow("7.17(1)", "2022-02-11", 116),
    ReleaseRow("7.18(1)152", "2022-09-16", 119),
    ReleaseRow("7.19(1)", "2023-01-13", 121),
    ReleaseRow("7.19(1)94", "2023-10-20", 122, suggested=True),
    ReleaseRow("7.20(1)", "2023-09-08", 126, lifecycle="ED"),
    ReleaseRow("7.22(1)", "2024-06-14", 131, lifecycle="ED", suggested=True, cloud=True),
)

FAMILY = Family(
    key="asa5500x",
    title="ASA 5500-X Series Firewalls",
    software_type_sets={
        SET: (
            one_type(*ASA, "ASA", releases(ASA_LINE, ASA_ROWS)),
            one_type(*ASDM, "ASA", releases(ASDM_LINE, ASDM_ROWS)),
        )
    },
    products=products(
        SET,
        (
            ("ASA5512-K9", "284143092", "ASA 5512-X Adaptive Security Appliance"),
            ("ASA5515-K9", "284143129", "ASA 5515-X Adaptive Security Appliance"),
            ("ASA5525-K9", "284143131", "ASA 5525-X Adaptive Security Appliance"),
            ("ASA5545-K9", "284143133", "ASA 5545-X Adaptive Security Appliance"),
            ("ASA5555-K9", "284143135", "ASA 5555-X Adaptive Security Appliance"),
        ),
    ),
)
