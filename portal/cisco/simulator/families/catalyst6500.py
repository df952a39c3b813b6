"""Catalyst 6500/6800 with Supervisor 2T and 6T: classic IOS 15.x SY (``s2t54``/``s6t64`` images)."""

from __future__ import annotations

import re

from portal.cisco.simulator.families.base import (
    DOCS,
    IOS,
    SA_LISTING,
    SUPPORT,
    Family,
    ImageKind,
    Line,
    ReleaseRow,
    ios_file,
    one_type,
    products,
    releases,
)


def _parts(match: re.Match[str] | None, version: str) -> tuple[str, ...]:
    """The groups of a version this family writes itself (so it always matches; a typo in the catalog stops)."""
    if match is None:
        raise ValueError(f"not a version of this family: {version!r}")
    return match.groups()


SET_SUP2T = "cat6500-sup2t"
SET_SUP6T = "cat6500-sup6t"
FIELD_NOTICES = SUPPORT + "switches/catalyst-6500-series-switches/products-field-notices-list.html"


def _notes(version: str) -> str:
    major, minor = _parts(re.match(r"(\d+)\.(\d+)", version), version)
    return f"{DOCS}switches/lan/catalyst6500/ios/{major}-{minor}SY/release_notes/release_notes_{major}_{minor}_sy.html"


def _line(prefix: str, mib: float, ipservices: bool) -> Line:
    kinds = [
        ImageKind(
            lambda v: f"{prefix}-adventerprisek9-mz.SPA.{ios_file(v)}.bin",
            mib,
            "ADVANCED ENTERPRISE SERVICES",
            min_dram="2048",
            min_flash="1024",
        )
    ]
    if ipservices:
        kinds.append(
            ImageKind(
                lambda v: f"{prefix}-ipservicesk9-mz.SPA.{ios_file(v)}.bin",
                mib * 0.93,
                "IP SERVICES",
                min_dram="2048",
                min_flash="1024",
            )
        )
    return Line(kinds=tuple(kinds), field_notice=FIELD_NOTICES, notes=_notes)


_ADV = (0,)
SUP2T_ROWS = (
    ReleaseRow("15.1(2)SY16", "2021-04-09", 104, only=_ADV, suggested=True),
    ReleaseRow("15.2(1)SY8", "2019-03-29", 108, only=_ADV),
    ReleaseRow("15.4(1)SY4", "2019-07-31", 113, only=_ADV),
    ReleaseRow("15.5(1)SY5", "2020-03-27", 116, only=_ADV),
    ReleaseRow("15.5(1)SY6", "2020-09-25", 117, only=_ADV),
    ReleaseRow("15.5(1)SY7", "2021-03-31", 118, only=_ADV, psirt=SA_LISTING),
    ReleaseRow("15.5(1)SY8", "2021-09-30", 119, only=_ADV),
    ReleaseRow("15.5(1)SY9", "2022-04-08", 119, only=_ADV, restriction="CONTRACT_IMG_REQ"),
    ReleaseRow("15.5(1)SY10", "2022-10-14", 120, only=_ADV, restriction="CONTRACT_IMG_REQ"),
    ReleaseRow("15.5(1)SY11", "2023-06-16", 121, suggested=True),
    ReleaseRow("15.5(1)SY12", "2024-01-19", 122, suggested=True, restriction="IMG_CONTRACT_REQD"),
)
SUP6T_ROWS = (
    ReleaseRow("15.4(1)SY4", "2019-07-31", 143, deferred_to="15.5(1)SY11", retire="2025-01-31"),
    ReleaseRow("15.5(1)SY10", "2022-10-14", 151),
    ReleaseRow("15.5(1)SY11", "2023-06-16", 152, suggested=True),
    ReleaseRow("15.5(1)SY12", "2024-01-19", 153, suggested=True),
)

FAMILY = Family(
    key="catalyst6500",
    title="Catalyst 6500 and 6800 Series Switches (Supervisor 2T / 6T)",
    software_type_sets={
        SET_SUP2T: (one_type(*IOS, "IOS", releases(_line("s2t54", 120, True), SUP2T_ROWS)),),
        SET_SUP6T: (one_type(*IOS, "IOS", releases(_line("s6t64", 152, False), SUP6T_ROWS)),),
    },
    products=products(
        SET_SUP2T,
        (
            ("VS-S2T-10G", "283999640", "Catalyst 6500 Supervisor Engine 2T"),
            ("VS-S2T-10G-XL", "283999650", "Catalyst 6500 Supervisor Engine 2T-XL"),
            ("WS-C6503-E", "283027810", "Catalyst 6503-E Switch"),
            ("WS-C6506-E", "283027818", "Catalyst 6506-E Switch"),
            ("WS-C6509-E", "283027822", "Catalyst 6509-E Switch"),
            ("WS-C6513-E", "283027826", "Catalyst 6513-E Switch"),
        ),
    )
    + products(
        SET_SUP6T,
        (
            ("C6800-SUP6T", "286288466", "Catalyst 6800 Supervisor Engine 6T"),
            ("C6800-SUP6T-XL", "286288473", "Catalyst 6800 Supervisor Engine 6T-XL"),
            ("C6807-XL", "286023491", "Catalyst 6807-XL Switch"),
        ),
    ),
)
