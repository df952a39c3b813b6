"""ME 3600X Series Ethernet access switches: IOS 15.x S (holds the spec's ``me360x-universalk9-tar.153-3.S4.tar``)."""

from __future__ import annotations

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
    patch_image,
    products,
    releases,
)

SET = "me3600x-ios"
SPEC_TAR = "me360x-universalk9-tar.153-3.S4.tar"
LINE = Line(
    kinds=(
        ImageKind(
            lambda v: f"me360x-universalk9-mz.{ios_file(v)}.bin", 22, "UNIVERSAL", min_dram="1024", min_flash="64"
        ),
        ImageKind(
            lambda v: f"me360x-universalk9-tar.{ios_file(v)}.tar",
            27.3,
            "UNIVERSAL TAR",
            related=True,
            min_dram="1024",
            min_flash="64",
        ),
        ImageKind(
            lambda v: f"me360x-universalk9_npe-mz.{ios_file(v)}.bin",
            21.5,
            "UNIVERSAL - NO PAYLOAD ENCRYPTION",
            crypto=False,
            min_dram="1024",
            min_flash="64",
        ),
    ),
    field_notice=SUPPORT + "switches/me-3600x-series-ethernet-access-switches/products-field-notices-list.html",
    notes=lambda v: f"{DOCS}switches/metro/me3600x_3800x/software/release/{ios_file(v).split('.')[0]}/rn.html",
)
ROWS = (
    ReleaseRow("15.3(3)S4", "2014-11-18", 22, lifecycle="ED", only=(0, 1)),
    ReleaseRow("15.4(3)S5", "2016-03-25", 23.5, lifecycle="ED", psirt="cisco-sa-20180328-smi2"),
    ReleaseRow("15.5(3)S8", "2018-11-30", 24.8, suggested=True),
    ReleaseRow("15.5(3)S10", "2019-10-25", 25.1, suggested=True),
)

FAMILY = Family(
    key="me3600x",
    title="ME 3600X Series Ethernet Access Switches",
    software_type_sets={
        # The spec's metadata/images sample gives the tar's exact size.
        SET: (one_type(*IOS, "IOS", patch_image(releases(LINE, ROWS), SPEC_TAR, size=28672000)),)
    },
    products=products(
        SET,
        (
            ("ME-3600X-24CX-M", "283783520", "ME 3600X-24CX Switch"),
            ("ME-3600X-24FS-M", "282778429", "ME 3600X-24FS Switch"),
            ("ME-3600X-24TS-M", "282778426", "ME 3600X-24TS Switch"),
        ),
    ),
)
