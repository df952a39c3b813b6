"""ASR 1000 Series: aggregation routers on IOS XE (``asr1000rpx86`` universal images) and their ROMMON."""

from __future__ import annotations

from portal.cisco.simulator.families.base import (
    DOCS,
    IOS_XE,
    IOS_XE_ROMMON,
    SUPPORT,
    Family,
    ImageKind,
    Line,
    ReleaseRow,
    one_type,
    products,
    releases,
    xe_file,
)
from portal.cisco.simulator.families.isr4000 import rommon_file

SET = "asr1000-iosxe"
FIELD_NOTICES = SUPPORT + "routers/asr-1000-series-aggregation-services-routers/products-field-notices-list.html"


def _notes(version: str) -> str:
    train = "-".join(version.split(".")[:2])
    return f"{DOCS}routers/asr1000/release/notes/{train}/asr1k-rel-notes-{train}.html"


XE = Line(
    kinds=(
        ImageKind(
            lambda v: f"asr1000rpx86-universalk9.{xe_file(v)}.SPA.bin",
            840,
            "UNIVERSAL",
            min_dram="16384",
            min_flash="16384",
        ),
    ),
    field_notice=FIELD_NOTICES,
    notes=_notes,
)
ROMMON = Line(
    kinds=(ImageKind(lambda v: f"asr1000_rommon_{rommon_file(v)}_SPA.pkg", 7.4, "ROMMON", crypto=False),),
    field_notice=FIELD_NOTICES,
)

XE_ROWS = (
    ReleaseRow("17.3.8a", "2023-10-30", 790, restriction="CONTRACT_IMG_REQ"),
    ReleaseRow("17.9.4a", "2023-10-22", 846, suggested=True, entitlement=True),
    ReleaseRow("17.12.4", "2024-10-29", 872, suggested=True, cloud=True),
)
ROMMON_ROWS = (
    ReleaseRow("16.9(5r)", "2019-05-17", 7.2),
    ReleaseRow("17.3(1r)", "2020-08-14", 7.4, suggested=True),
)

FAMILY = Family(
    key="asr1000",
    title="ASR 1000 Series Aggregation Services Routers",
    software_type_sets={
        SET: (
            one_type(*IOS_XE, "IOS XE", releases(XE, XE_ROWS)),
            one_type(*IOS_XE_ROMMON, "IOS XE", releases(ROMMON, ROMMON_ROWS)),
        )
    },
    products=products(
        SET,
        (
            ("ASR1001-HX", "286288594", "ASR 1001-HX Router"),
            ("ASR1002-HX", "286288600", "ASR 1002-HX Router"),
            ("ASR1006-X", "286284771", "ASR 1006-X Router"),
            ("ASR1009-X", "286284785", "ASR 1009-X Router"),
            ("ASR1000-RP3", "286316245", "ASR 1000 Series Route Processor 3"),
        ),
    ),
)
