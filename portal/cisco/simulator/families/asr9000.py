"""ASR 9000 Series: IOS XR 64-bit 7.x and 24.x (``asr9k-mini-x64`` ISOs) and Software Maintenance Upgrades."""

from __future__ import annotations

import re

from portal.cisco.simulator.families.base import (
    DOCS,
    IOS_XR,
    IOS_XR_SMU,
    SUPPORT,
    Family,
    ImageKind,
    ImageSpec,
    Line,
    ReleaseRow,
    ReleaseSpec,
    approx,
    mib,
    one_type,
    products,
    release_notes,
    releases,
)

SET = "asr9000-iosxr"
FIELD_NOTICES = SUPPORT + "routers/asr-9000-series-aggregation-services-routers/products-field-notices-list.html"


def _notes(version: str) -> str:
    major, minor = version.split(".")[:2]
    digits = "".join(re.findall(r"\d+", version))
    return f"{DOCS}iosxr/asr9000/release-notes/{major}{minor}x/b-release-notes-asr9000-r{digits}.html"


XR = Line(
    kinds=(
        ImageKind(
            lambda v: f"asr9k-mini-x64-{v}.iso",
            1000,
            description="Cisco IOS XR 64-bit base image (mini ISO) for ASR 9000",
            min_dram="16384",
            min_flash="32768",
        ),
    ),
    field_notice=FIELD_NOTICES,
    notes=_notes,
)
XR_ROWS = (
    ReleaseRow("7.9.2", "2023-06-30", 985, suggested=True, restriction="IMG_CONTRACT_REQD"),
    ReleaseRow("7.11.2", "2024-03-22", 1010, suggested=True, entitlement=True),
    ReleaseRow("24.2.2", "2024-10-11", 1042, lifecycle="ED", cloud=True),
)

# (release, FCS, [(bug id, component, MiB)]) - SMUs are small tar files named after the bug they fix.
SMUS = (
    ("7.5.2", "2022-06-17", (("CSCwb74102", "bgp", 4.2), ("CSCwc13877", "os", 61.0))),
    ("7.8.2", "2023-02-24", (("CSCwd80921", "l2vpn", 7.9),)),
    ("7.9.2", "2023-06-30", (("CSCwf41336", "bgp", 5.1), ("CSCwh02178", "mpls-te", 9.6), ("CSCwh55463", "os", 58.3))),
    ("7.11.2", "2024-03-22", (("CSCwi88815", "isis", 3.8),)),
    ("24.1.2", "2024-05-10", (("CSCwj61209", "bfd", 2.7),)),
    ("24.2.2", "2024-10-11", (("CSCwk90354", "fib", 11.4), ("CSCwm12067", "os", 64.8))),
)


def _smu_releases() -> tuple[ReleaseSpec, ...]:
    result = []
    for version, fcs, bugs in SMUS:
        images = tuple(
            ImageSpec(
                name=f"asr9k-x64-{version}.{bug}.tar",
                size=approx(mib(size), bug),
                description=f"SMU for {bug} ({component}) on IOS XR {version}",
                # An "os" SMU changes the base image and needs a reload: Cisco marks those with an advisory.
                software_advisory="" if component != "os" else f"{DOCS}iosxr/asr9000/smu/{bug}-readme.html",
            )
            for bug, component, size in bugs
        )
        result.append(
            ReleaseSpec(
                version=version,
                fcs=fcs,
                images=images,
                field_notice=FIELD_NOTICES,
                docs=(release_notes(_notes(version)),),
            )
        )
    return tuple(result)


FAMILY = Family(
    key="asr9000",
    title="ASR 9000 Series Aggregation Services Routers (IOS XR)",
    software_type_sets={
        SET: (
            one_type(*IOS_XR, "IOS XR", releases(XR, XR_ROWS)),
            one_type(*IOS_XR_SMU, "IOS XR", _smu_releases()),
        )
    },
    products=products(
        SET,
        (
            ("ASR-9001", "284108613", "ASR 9001 Router"),
            ("ASR-9901", "286318357", "ASR 9901 Router"),
            ("ASR-9902", "286326352", "ASR 9902 Router"),
            ("ASR-9903", "286326349", "ASR 9903 Router"),
            ("ASR-9904-AC", "285149960", "ASR 9904 Router"),
            ("ASR-9906", "286312549", "ASR 9906 Router"),
            ("ASR-9910", "286312556", "ASR 9910 Router"),
            ("ASR-9912", "284578934", "ASR 9912 Router"),
        ),
    ),
)
