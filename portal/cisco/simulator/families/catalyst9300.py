"""Catalyst 9300 Series: stackable access switches on IOS XE 16.12 to 17.15 (``cat9k_iosxe`` images)."""

from __future__ import annotations

from portal.cisco.simulator.families.base import (
    DOCS,
    IOS_XE,
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

SET = "cat9300-iosxe"
WEBUI_SA = "cisco-sa-iosxe-webui-privesc-j22SaA4z"


def _notes(version: str) -> str:
    train = "-".join(version.split(".")[:2])
    return f"{DOCS}switches/lan/catalyst9300/software/release/{train}/release_notes/ol-{train}-9300.html"


LINE = Line(
    kinds=(
        ImageKind(
            name=lambda v: f"cat9k_iosxe.{xe_file(v)}.SPA.bin",
            mib=1000,
            feature_set="CAT9K UNIVERSAL",
            min_dram="8192",
            min_flash="16384",
        ),
    ),
    field_notice=SUPPORT + "switches/catalyst-9300-series-switches/products-field-notices-list.html",
    notes=_notes,
)

ROWS = (
    ReleaseRow("16.12.10a", "2023-10-27", 772),
    ReleaseRow("17.3.8a", "2023-10-30", 842, suggested=True),
    ReleaseRow("17.6.7", "2024-06-21", 905, suggested=True),
    ReleaseRow("17.9.1", "2022-08-05", 978, deferred_to="17.9.4a", retire="2023-06-30", deleted="2023-06-30"),
    ReleaseRow("17.9.4", "2023-07-31", 1012, psirt=WEBUI_SA, advisory=True),
    ReleaseRow("17.9.4a", "2023-10-22", 1014, suggested=True, catalog_message="Fixes CSCwh87343 (Web UI)."),
    ReleaseRow("17.9.5", "2024-03-28", 1021, suggested=True, cloud=True),
    ReleaseRow("17.12.4", "2024-10-29", 1096, suggested=True, cloud=True),
    ReleaseRow("17.15.1", "2024-08-08", 1142, lifecycle="ED", cloud=True),
)

FAMILY = Family(
    key="catalyst9300",
    title="Catalyst 9300 Series Switches",
    software_type_sets={SET: (one_type(*IOS_XE, "IOS XE", releases(LINE, ROWS)),)},
    products=products(
        SET,
        (
            ("C9300-24T", "286313994", "Catalyst 9300 24-port Data Switch"),
            ("C9300-24P", "286313982", "Catalyst 9300 24-port Data and PoE+ Switch"),
            ("C9300-24U", "286313983", "Catalyst 9300 24-port UPOE Switch"),
            ("C9300-48T", "286313995", "Catalyst 9300 48-port Data Switch"),
            ("C9300-48P", "286313984", "Catalyst 9300 48-port Data and PoE+ Switch"),
            ("C9300-48U", "286313985", "Catalyst 9300 48-port UPOE Switch"),
            ("C9300-24UX", "286313986", "Catalyst 9300 24-port mGig and UPOE Switch"),
            ("C9300-48UXM", "286313987", "Catalyst 9300 48-port (12 mGig, 36 2.5Gbps) UPOE Switch"),
            ("C9300L-24P-4G", "286320178", "Catalyst 9300L 24-port PoE+ 4x1G Uplink Switch"),
            ("C9300L-48P-4X", "286320181", "Catalyst 9300L 48-port PoE+ 4x10G Uplink Switch"),
            ("C9300X-48HX", "286325931", "Catalyst 9300X 48-port mGig UPOE+ Switch"),
            ("C9300X-12Y", "286325933", "Catalyst 9300X 12-port 25G Fiber Switch"),
        ),
    ),
)
