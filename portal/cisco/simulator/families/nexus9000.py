"""Nexus 9000 Series: data-centre switches on NX-OS 7.0(3)I7, 9.3 and 10.x, with their EPLD images.

The spec's download sample asks for ``n9000-epld.7.0.3.I7.9.img`` under PID ``ACS-1800-RM-19=`` (mdfId
286305578) by GUID ``25856C58...``; that PID shares this family's software so the sample request works.
"""

from __future__ import annotations

import re

from portal.cisco.simulator.families.base import (
    DOCS,
    NXOS,
    NXOS_EPLD,
    SUPPORT,
    Doc,
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

SET = "nexus9000-nxos"
SAMPLE_EPLD = "n9000-epld.7.0.3.I7.9.img"
SAMPLE_EPLD_GUID = "25856C5890AE73F8EDBEEDA441EC901F8FC8362E"
CLI_INJECTION_SA = "cisco-sa-nxos-cli-cmdinject-euQVK9u"
FIELD_NOTICES = SUPPORT + "switches/nexus-9000-series-switches/products-field-notices-list.html"


def _notes(version: str) -> str:
    digits = "".join(re.findall(r"\d+[a-z]?", version))
    if version.startswith("7.0(3)"):
        return f"{DOCS}switches/datacenter/nexus9000/sw/7-x/release/notes/{digits}_nxos_rn.html"
    if version.startswith("9.3"):
        page = f"cisco-nexus-9000-series-nx-os-release-notes-{digits}.html"
        return f"{DOCS}switches/datacenter/nexus9000/sw/93x/release/notes/{page}"
    return f"{DOCS}dcn/nx-os/nexus9000/{digits[:3]}x/release-notes/cisco-nexus-9000-nxos-release-notes-{digits}.html"


def _system_file(version: str) -> str:
    prefix = "nxos64-cs" if int(version.split(".")[0]) >= 10 else "nxos"
    return f"{prefix}.{nxos_file(version)}.bin"


SYSTEM = Line(
    kinds=(
        ImageKind(
            _system_file,
            1080,
            description="Cisco Nexus 9000/3000 Standalone Switch",
            min_dram="16384",
            min_flash="65536",
        ),
    ),
    field_notice=FIELD_NOTICES,
    notes=_notes,
)
EPLD = Line(
    kinds=(
        ImageKind(
            lambda v: f"n9000-epld.{nxos_file(v)}.img",
            160,
            description="EPLD image for Cisco Nexus 9000 Series Switches",
            crypto=False,
            docs=(
                Doc(
                    "EPLD Release Notes",
                    "Readme",
                    DOCS + "switches/datacenter/nexus9000/sw/epld/nexus-9000-epld-release-notes.html",
                ),
            ),
        ),
    ),
    field_notice=FIELD_NOTICES,
    notes=_notes,
)

SYSTEM_ROWS = (
    ReleaseRow("7.0(3)I7(9)", "2020-12-18", 905),
    ReleaseRow("9.3(12)", "2023-08-04", 1080, suggested=True, psirt=CLI_INJECTION_SA),
    ReleaseRow("10.3(5)M", "2024-04-12", 1124, suggested=True),
    ReleaseRow("10.4(4)M", "2024-10-25", 1152, suggested=True, cloud=True),
)
EPLD_ROWS = (
    ReleaseRow("7.0(3)I7(8)", "2020-03-30", 128, deferred_to="7.0(3)I7(9)", retire="2021-06-30", deleted="2021-06-30"),
    ReleaseRow("7.0(3)I7(9)", "2020-12-18", 131),
    ReleaseRow("7.0(3)I7(10)", "2021-11-19", 133, suggested=True),
    ReleaseRow("9.3(10)", "2022-08-19", 152),
    ReleaseRow("9.3(11)", "2023-03-03", 155),
    ReleaseRow("9.3(12)", "2023-08-04", 158, suggested=True),
    ReleaseRow("9.3(13)", "2024-01-26", 160),
    ReleaseRow("10.3(4a)M", "2023-10-13", 171, advisory=True),
    ReleaseRow("10.3(5)M", "2024-04-12", 174, suggested=True),
    ReleaseRow("10.4(4)M", "2024-10-25", 182, suggested=True, cloud=True),
)

FAMILY = Family(
    key="nexus9000",
    title="Nexus 9000 Series Switches",
    software_type_sets={
        SET: (
            one_type(*NXOS, "NX-OS", releases(SYSTEM, SYSTEM_ROWS)),
            one_type(*NXOS_EPLD, "NX-OS", patch_image(releases(EPLD, EPLD_ROWS), SAMPLE_EPLD, guid=SAMPLE_EPLD_GUID)),
        )
    },
    products=products(
        SET,
        (
            ("N9K-C93180YC-EX", "286305946", "Nexus 93180YC-EX Switch"),
            ("N9K-C93180YC-FX", "286316001", "Nexus 93180YC-FX Switch"),
            ("N9K-C93108TC-FX", "286315998", "Nexus 93108TC-FX Switch"),
            ("N9K-C9336C-FX2", "286320108", "Nexus 9336C-FX2 Switch"),
            ("N9K-C9364C", "286314880", "Nexus 9364C Switch"),
            ("N9K-C9508", "286288723", "Nexus 9508 Switch"),
            # The spec's download sample pairs this rack-mount-kit PID with a Nexus 9000 EPLD image.
            ("ACS-1800-RM-19=", "286305578", "Nexus 9000 Series Rack Mount Kit"),
        ),
    ),
)
