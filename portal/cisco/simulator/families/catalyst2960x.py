"""Catalyst 2960-X/XR and 2960 Plus: classic IOS 15.0(2)SE and 15.2(x)E access switches.

2960-X/XR run one universal image (plus a tar with the web device manager and a no-payload-encryption
build); the older 2960 Plus still has separate LAN Base and LAN Lite images.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from portal.cisco.simulator.families.base import (
    DOCS,
    IOS,
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


SET_X = "cat2960x-ios"
SET_LANBASE = "cat2960plus-lanbase"
SET_LANLITE = "cat2960plus-lanlite"
SMART_INSTALL_SA = "cisco-sa-20180328-smi2"
CMP_SA = "cisco-sa-20170317-cmp"


def _notes(series: str) -> Callable[[str], str]:
    def notes(version: str) -> str:
        major, minor, rel = _parts(re.match(r"(\d+)\.(\d+)\((\d+)", version), version)
        page = f"rn-{major}{minor}{rel}e-{series.removeprefix('catalyst')}.html"
        return f"{DOCS}switches/lan/{series}/software/{major}-{minor}_{rel}_e/release_notes/{page}"

    return notes


FIELD_NOTICES = SUPPORT + "switches/catalyst-2960-x-series-switches/products-field-notices-list.html"
LINE_X = Line(
    kinds=(
        ImageKind(
            lambda v: f"c2960x-universalk9-mz.{ios_file(v)}.bin", 24, "UNIVERSAL", min_dram="512", min_flash="128"
        ),
        ImageKind(
            lambda v: f"c2960x-universalk9-tar.{ios_file(v)}.tar",
            37,
            "UNIVERSAL WITH WEB BASED DEV MGR",
            related=True,
            min_dram="512",
            min_flash="128",
        ),
        ImageKind(
            lambda v: f"c2960x-universalk9_npe-mz.{ios_file(v)}.bin",
            23.6,
            "UNIVERSAL - NO PAYLOAD ENCRYPTION",
            crypto=False,
            min_dram="512",
            min_flash="128",
        ),
    ),
    field_notice=FIELD_NOTICES,
    notes=_notes("catalyst2960x"),
)

_ALL = (0, 1, 2)
_TAR = (0, 1)
ROWS_X_WRITTEN = (
    ReleaseRow("15.2(2)E", "2014-07-28", 19.4),
    ReleaseRow("15.2(2)E1", "2014-11-24", 19.5),
    ReleaseRow("15.2(2)E2", "2015-04-13", 19.6),
    ReleaseRow("15.2(2)E3", "2015-08-03", 19.7),
    ReleaseRow("15.2(2)E4", "2016-02-26", 19.8),
    ReleaseRow("15.2(2)E5", "2016-08-08", 19.9, psirt=CMP_SA),
    ReleaseRow("15.2(2)E6", "2017-02-06", 20.0, psirt=CMP_SA),
    ReleaseRow("15.2(2)E7", "2017-09-08", 20.1, psirt=SMART_INSTALL_SA),
    ReleaseRow("15.2(2)E8", "2018-04-27", 20.2),
    ReleaseRow("15.2(2)E9", "2019-04-26", 20.3),
    ReleaseRow("15.2(2)E10", "2021-06-30", 20.4, only=_TAR),
    ReleaseRow("15.2(3)E", "2014-12-15", 20.0, deferred_to="15.2(3)E1", retire="2015-06-30", deleted="2015-06-30"),
    ReleaseRow("15.2(3)E1", "2015-04-07", 20.1),
    ReleaseRow("15.2(3)E2", "2015-07-16", 20.2),
    ReleaseRow("15.2(3)E3", "2015-10-13", 20.3),
    ReleaseRow("15.2(3)E4", "2016-02-10", 20.4),
    ReleaseRow("15.2(3)E5", "2016-08-01", 20.5, psirt=CMP_SA),
    ReleaseRow("15.2(4)E", "2015-12-21", 21.0),
    ReleaseRow("15.2(4)E1", "2016-04-29", 21.1),
    ReleaseRow("15.2(4)E2", "2016-07-29", 21.2, psirt=CMP_SA),
    ReleaseRow("15.2(4)E3", "2017-02-14", 21.3),
    ReleaseRow("15.2(4)E4", "2017-06-30", 21.4),
    ReleaseRow("15.2(4)E5", "2017-11-29", 21.5, psirt=SMART_INSTALL_SA),
    ReleaseRow("15.2(4)E6", "2018-04-11", 21.6),
    ReleaseRow("15.2(4)E7", "2018-11-23", 21.7),
    ReleaseRow("15.2(4)E8", "2019-07-26", 21.8),
    ReleaseRow("15.2(4)E9", "2020-02-07", 21.9),
    ReleaseRow("15.2(4)E10", "2020-06-26", 22.0, suggested=True, only=_TAR),
    ReleaseRow("15.2(5)E", "2016-11-30", 22.4, deferred_to="15.2(5)E1", retire="2017-09-29", deleted="2017-09-29"),
    ReleaseRow("15.2(5)E1", "2017-03-13", 22.5),
    ReleaseRow("15.2(5)E2", "2017-07-25", 22.6, advisory=True),
    ReleaseRow("15.2(6)E", "2017-12-08", 23.2, deferred_to="15.2(6)E1", psirt=SMART_INSTALL_SA),
    ReleaseRow("15.2(6)E1", "2018-05-03", 23.3),
    ReleaseRow("15.2(6)E2", "2018-11-28", 23.4),
    ReleaseRow("15.2(6)E3", "2019-06-25", 23.5),
    ReleaseRow("15.2(7)E", "2019-07-01", 24.6, only=_TAR),
    ReleaseRow("15.2(7)E1", "2020-02-28", 24.8, only=_TAR),
    ReleaseRow("15.2(7)E2", "2020-05-29", 25.0, only=_TAR),
    ReleaseRow("15.2(7)E3", "2020-09-22", 25.2, only=_ALL),
    ReleaseRow("15.2(7)E4", "2021-03-08", 25.4, only=_ALL),
    ReleaseRow("15.2(7)E5", "2021-09-13", 25.6, only=_ALL),
    ReleaseRow("15.2(7)E6", "2022-03-30", 25.8, only=_ALL),
    ReleaseRow("15.2(7)E7", "2022-09-26", 26.0, only=_ALL),
    ReleaseRow("15.2(7)E8", "2023-04-05", 26.2, only=_ALL, suggested=True),
    ReleaseRow("15.2(7)E9", "2023-09-25", 26.4, only=_ALL, cloud=True),
    ReleaseRow("15.2(7)E10", "2024-04-03", 26.6, only=_ALL, suggested=True, cloud=True),
)

# Rows that name no kinds ship the universal image only.
ROWS_X = tuple(row if row.only else replace(row, only=(0,)) for row in ROWS_X_WRITTEN)

PLUS_FIELD_NOTICES = SUPPORT + "switches/catalyst-2960-plus-series-switches/products-field-notices-list.html"
LINE_LANBASE = Line(
    kinds=(
        ImageKind(lambda v: f"c2960-lanbasek9-mz.{ios_file(v)}.bin", 12.6, "LAN BASE", min_dram="64", min_flash="64"),
    ),
    field_notice=PLUS_FIELD_NOTICES,
)
LINE_LANLITE = Line(
    kinds=(
        ImageKind(lambda v: f"c2960-lanlitek9-mz.{ios_file(v)}.bin", 11.2, "LAN LITE", min_dram="64", min_flash="64"),
    ),
    field_notice=PLUS_FIELD_NOTICES,
)
ROWS_PLUS = (
    ReleaseRow("15.0(2)SE5", "2013-11-20", 0.93, deleted="2019-01-15"),
    ReleaseRow("15.0(2)SE11", "2017-08-21", 0.96),
    ReleaseRow("15.2(2)E6", "2017-02-06", 1.0),
    ReleaseRow("15.2(2)E7", "2017-09-08", 1.0, psirt=SMART_INSTALL_SA),
    ReleaseRow("15.2(2)E8", "2018-04-27", 1.01),
    ReleaseRow("15.2(2)E9", "2019-04-26", 1.02, suggested=True),
    ReleaseRow("15.2(2)E10", "2021-06-30", 1.03, suggested=True),
)


def _scaled(rows: tuple[ReleaseRow, ...], base: float) -> tuple[ReleaseRow, ...]:
    """The 2960 Plus tables give sizes as a factor of the line's typical size."""
    return tuple(replace(row, mib=row.mib * base) for row in rows)


FAMILY = Family(
    key="catalyst2960x",
    title="Catalyst 2960-X, 2960-XR and 2960 Plus Series Switches",
    software_type_sets={
        SET_X: (one_type(*IOS, "IOS", releases(LINE_X, ROWS_X)),),
        SET_LANBASE: (one_type(*IOS, "IOS", releases(LINE_LANBASE, _scaled(ROWS_PLUS, 12.6))),),
        SET_LANLITE: (one_type(*IOS, "IOS", releases(LINE_LANLITE, _scaled(ROWS_PLUS[:2] + ROWS_PLUS[4:], 11.2))),),
    },
    products=products(
        SET_X,
        (
            ("WS-C2960X-24TS-L", "284846139", "Catalyst 2960X-24TS-L Switch"),
            ("WS-C2960X-24PS-L", "284846148", "Catalyst 2960X-24PS-L Switch"),
            ("WS-C2960X-24TD-L", "284846154", "Catalyst 2960X-24TD-L Switch"),
            ("WS-C2960X-48TS-L", "284846163", "Catalyst 2960X-48TS-L Switch"),
            ("WS-C2960X-48LPS-L", "284846175", "Catalyst 2960X-48LPS-L Switch"),
            ("WS-C2960X-48FPD-L", "284846181", "Catalyst 2960X-48FPD-L Switch"),
            ("WS-C2960XR-24PD-I", "285993426", "Catalyst 2960XR-24PD-I Switch"),
            ("WS-C2960XR-48FPD-I", "285993441", "Catalyst 2960XR-48FPD-I Switch"),
        ),
    )
    + products(
        SET_LANBASE,
        (
            ("WS-C2960+24TC-L", "284574389", "Catalyst 2960 Plus 24TC-L Switch"),
            ("WS-C2960+48TC-L", "284574392", "Catalyst 2960 Plus 48TC-L Switch"),
            ("WS-C2960+24PC-L", "284574395", "Catalyst 2960 Plus 24PC-L Switch"),
            ("WS-C2960+48PST-L", "284574401", "Catalyst 2960 Plus 48PST-L Switch"),
        ),
    )
    + products(
        SET_LANLITE,
        (
            ("WS-C2960+24LC-S", "284574413", "Catalyst 2960 Plus 24LC-S Switch"),
            ("WS-C2960+24TC-S", "284574416", "Catalyst 2960 Plus 24TC-S Switch"),
            ("WS-C2960+48TC-S", "284574419", "Catalyst 2960 Plus 48TC-S Switch"),
        ),
    ),
)
