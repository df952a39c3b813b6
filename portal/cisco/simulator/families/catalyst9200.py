"""Catalyst 9200 Series: fixed access switches on IOS XE "lite" (``cat9k_lite_iosxe`` images)."""

from __future__ import annotations

from portal.cisco.simulator.families.base import (
    DOCS,
    IOS_XE,
    SA_LISTING,
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

SET = "cat9200-iosxe"


def _notes(version: str) -> str:
    train = "-".join(version.split(".")[:2])
    return f"{DOCS}switches/lan/catalyst9200/software/release/{train}/release_notes/ol-{train}-9200.html"


LINE = Line(
    kinds=(
        ImageKind(
            name=lambda v: f"cat9k_lite_iosxe.{xe_file(v)}.SPA.bin",
            mib=450,
            feature_set="CAT9K LITE UNIVERSAL",
            min_dram="2048",
            min_flash="4096",
        ),
    ),
    field_notice=SUPPORT + "switches/catalyst-9200-series-switches/products-field-notices-list.html",
    notes=_notes,
)

ROWS = (
    ReleaseRow("16.12.12", "2024-08-16", 392),
    ReleaseRow("17.3.8a", "2023-10-30", 418, suggested=True),
    ReleaseRow("17.9.4a", "2023-10-22", 452, suggested=True),
    ReleaseRow("17.9.5", "2024-03-28", 455, suggested=True, psirt=SA_LISTING),
    ReleaseRow("17.12.4", "2024-10-29", 478, suggested=True, cloud=True),
    ReleaseRow("17.15.1", "2024-08-08", 493, lifecycle="ED", cloud=True),
)

FAMILY = Family(
    key="catalyst9200",
    title="Catalyst 9200 Series Switches",
    software_type_sets={SET: (one_type(*IOS_XE, "IOS XE", releases(LINE, ROWS)),)},
    products=products(
        SET,
        (
            ("C9200-24T", "286320591", "Catalyst 9200 24-port Data Switch"),
            ("C9200-24P", "286320586", "Catalyst 9200 24-port PoE+ Switch"),
            ("C9200-48P", "286320588", "Catalyst 9200 48-port PoE+ Switch"),
            ("C9200L-24T-4G", "286320601", "Catalyst 9200L 24-port Data 4x1G Uplink Switch"),
            ("C9200L-24P-4G", "286320597", "Catalyst 9200L 24-port PoE+ 4x1G Uplink Switch"),
            ("C9200L-48P-4X", "286320604", "Catalyst 9200L 48-port PoE+ 4x10G Uplink Switch"),
            ("C9200CX-12P-2X2G", "286329176", "Catalyst 9200CX 12-port PoE+ Compact Switch"),
        ),
    ),
)
