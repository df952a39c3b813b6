"""Cisco 1700 Series modular access routers: end-of-life IOS 12.3/12.4 (holds the spec's ``c1700-y-mz.124-13a.bin``).

The 1710 ran its own ``c1710`` images, so its software types are written inline (no shared set).
"""

from __future__ import annotations

from portal.cisco.simulator.families.base import (
    IOS,
    SUPPORT,
    Family,
    ImageKind,
    Line,
    ProductSpec,
    ReleaseRow,
    ios_file,
    one_type,
    products,
    releases,
)

SET = "c1700-ios"
FIELD_NOTICES = SUPPORT + "routers/1700-series-modular-access-routers/products-field-notices-list.html"


def _kind(prefix: str, feature: str, mib: float, *, crypto: bool, dram: str = "64", flash: str = "16") -> ImageKind:
    return ImageKind(
        lambda v: f"{prefix}-mz.{ios_file(v)}.bin", mib, feature, crypto=crypto, min_dram=dram, min_flash=flash
    )


LINE = Line(
    kinds=(
        _kind("c1700-y", "IP", 10.4, crypto=False),
        _kind("c1700-k9o3sy7", "IP/FW/IDS PLUS IPSEC 3DES", 14.7, crypto=True, dram="96", flash="32"),
        _kind("c1700-advipservicesk9", "ADVANCED IP SERVICES", 19.2, crypto=True, dram="128", flash="32"),
    ),
    field_notice=FIELD_NOTICES,
)
ROWS = (
    ReleaseRow("12.3(26)", "2008-03-14", 9.6, lifecycle="GD", only=(0, 1), deleted="2014-03-31"),
    ReleaseRow("12.4(13a)", "2007-03-30", 10.4, lifecycle="GD", only=(0, 2)),
    ReleaseRow("12.4(25d)", "2010-08-20", 11.1, lifecycle="GD", suggested=True, restriction="CONTRACT_IMG_REQ"),
)
LINE_1710 = Line(kinds=(_kind("c1710-k9o3sy", "IP/FW PLUS IPSEC 3DES", 12.3, crypto=True),), field_notice=FIELD_NOTICES)
ROWS_1710 = (
    ReleaseRow("12.3(26)", "2008-03-14", 11.6, lifecycle="GD", deleted="2014-03-31"),
    ReleaseRow("12.4(25d)", "2010-08-20", 12.3, lifecycle="GD", suggested=True),
)

FAMILY = Family(
    key="cisco1700",
    title="Cisco 1700 Series Modular Access Routers",
    software_type_sets={SET: (one_type(*IOS, "IOS", releases(LINE, ROWS)),)},
    products=products(
        SET,
        (
            ("CISCO1721", "268437596", "Cisco 1721 Modular Access Router"),
            ("CISCO1751", "268437593", "Cisco 1751 Modular Access Router"),
            ("CISCO1760", "268437599", "Cisco 1760 Modular Access Router"),
        ),
    )
    + (
        ProductSpec(
            pid="CISCO1710",
            mdf_id="268437588",
            concept="Cisco 1710 Security Router",
            software_types=(one_type(*IOS, "IOS", releases(LINE_1710, ROWS_1710)),),
        ),
    ),
)
