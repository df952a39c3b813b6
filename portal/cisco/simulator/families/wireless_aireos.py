"""AireOS Wireless LAN Controllers 3504, 5520 and 8540: AireOS 8.10 (``AIR-CT5520-K9-8-10-185-0.aes``)."""

from __future__ import annotations

from portal.cisco.simulator.families.base import (
    DOCS,
    SUPPORT,
    WLC,
    Family,
    ImageKind,
    Line,
    ReleaseRow,
    dashed,
    one_type,
    products,
    releases,
)

FIELD_NOTICES = SUPPORT + "wireless/5500-series-wireless-controllers/products-field-notices-list.html"
NOTES = DOCS + "wireless/controller/release/notes/crn810.html"


def _line(model: str, mib: float) -> Line:
    return Line(
        kinds=(
            ImageKind(
                lambda v: f"AIR-CT{model}-K9-{dashed(v)}.aes",
                mib,
                description=f"Cisco {model} Wireless Controller Software",
            ),
        ),
        field_notice=FIELD_NOTICES,
        notes=lambda v: NOTES,
    )


ROWS_5520 = (
    ReleaseRow("8.10.151.0", "2021-04-16", 418, deferred_to="8.10.171.0", retire="2022-12-31"),
    ReleaseRow("8.10.185.0", "2023-03-10", 430, suggested=True),
    ReleaseRow("8.10.190.0", "2023-09-22", 433, suggested=True, cloud=True),
)
ROWS_3504 = (
    ReleaseRow("8.10.185.0", "2023-03-10", 409, suggested=True),
    ReleaseRow("8.10.190.0", "2023-09-22", 412, suggested=True, cloud=True),
)
ROWS_8540 = (ReleaseRow("8.10.190.0", "2023-09-22", 437, suggested=True, restriction="CONTRACT_IMG_REQ"),)

FAMILY = Family(
    key="wireless_aireos",
    title="AireOS Wireless LAN Controllers",
    software_type_sets={
        f"wlc{model}-aireos": (one_type(*WLC, "AireOS", releases(_line(model, rows[0].mib), rows)),)
        for model, rows in (("5520", ROWS_5520), ("3504", ROWS_3504), ("8540", ROWS_8540))
    },
    products=products(
        "wlc5520-aireos",
        (
            ("AIR-CT5520-K9", "286284728", "5520 Wireless Controller"),
            ("AIR-CT5520-50-K9", "286284728", "5520 Wireless Controller"),
        ),
    )
    + products(
        "wlc3504-aireos",
        (
            ("AIR-CT3504-K9", "286312601", "3504 Wireless Controller"),
            ("AIR-CT3504-15-K9", "286312601", "3504 Wireless Controller"),
        ),
    )
    + products("wlc8540-aireos", (("AIR-CT8540-K9", "286284738", "8540 Wireless Controller"),)),
)
