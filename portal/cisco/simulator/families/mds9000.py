"""MDS 9100 Series Fibre Channel switches: NX-OS 8.4/9.4 system and kickstart images, and EPLD updates.

Holds the spec's sample ``m9000-epld-3.2.1.img`` (deleted 2010-07-28) with the spec's size and dates.
"""

from __future__ import annotations

from portal.cisco.simulator.families.base import (
    DOCS,
    NXOS,
    NXOS_EPLD,
    SUPPORT,
    Family,
    ImageKind,
    Line,
    ReleaseRow,
    nxos_file,
    one_type,
    patch_image,
    products,
    releases,
)

SET = "mds9100-nxos"
FIELD_NOTICES = (
    SUPPORT + "storage-networking/mds-9100-series-multilayer-fabric-switches/products-field-notices-list.html"
)


def _notes(version: str) -> str:
    digits = nxos_file(version).replace(".", "")
    return f"{DOCS}dcn/mds9000/sw/{digits[:2]}x/release-notes/cisco-mds-9000-nx-os-release-notes-{digits}.html"


SYSTEM = Line(
    kinds=(
        ImageKind(
            lambda v: f"m9100-s6ek9-mz.{nxos_file(v)}.bin",
            236,
            description="Cisco MDS 9100 Series NX-OS system image",
            min_dram="4096",
            min_flash="4096",
        ),
        ImageKind(
            lambda v: f"m9100-s6ek9-kickstart-mz.{nxos_file(v)}.bin",
            37,
            description="Cisco MDS 9100 Series NX-OS kickstart image",
            related=True,
        ),
    ),
    field_notice=FIELD_NOTICES,
    notes=_notes,
)
EPLD = Line(
    kinds=(
        ImageKind(
            lambda v: f"m9000-epld-{nxos_file(v)}.img",
            31,
            description="EPLD image for Cisco MDS 9000 Family",
            crypto=False,
        ),
    ),
    field_notice=FIELD_NOTICES,
)

SYSTEM_ROWS = (
    ReleaseRow("8.4(2c)", "2021-02-19", 229, restriction="CONTRACT_IMG_REQ"),
    ReleaseRow("8.4(2f)", "2023-06-16", 236, suggested=True),
    ReleaseRow("9.4(1a)", "2024-03-29", 251, lifecycle="ED", cloud=True),
)
SPEC_EPLD = "m9000-epld-3.2.1.img"
EPLD_ROWS = (
    ReleaseRow("3.2(1)", "2007-09-17", 3, lifecycle="", deleted="2010-07-28"),
    ReleaseRow("8.4(2c)", "2021-02-19", 30),
    ReleaseRow("8.4(2e)", "2022-05-27", 31),
    ReleaseRow("8.4(2f)", "2023-06-16", 31, suggested=True),
    ReleaseRow("9.4(1a)", "2024-03-29", 34, lifecycle="ED"),
)

FAMILY = Family(
    key="mds9000",
    title="MDS 9100 Series Multilayer Fabric Switches",
    software_type_sets={
        SET: (
            one_type(*NXOS, "NX-OS", releases(SYSTEM, SYSTEM_ROWS)),
            # The spec's metadata/images sample gives this image's size; the spec's deleted image answers no URL.
            one_type(*NXOS_EPLD, "NX-OS", patch_image(releases(EPLD, EPLD_ROWS), SPEC_EPLD, size=3211204)),
        )
    },
    products=products(
        SET,
        (
            ("DS-C9148S-K9", "286289487", "MDS 9148S 16G Multilayer Fabric Switch"),
            ("DS-C9148S-12PK9", "286289487", "MDS 9148S 16G Multilayer Fabric Switch"),
            ("DS-C9148S-48PK9", "286289487", "MDS 9148S 16G Multilayer Fabric Switch"),
        ),
    ),
)
