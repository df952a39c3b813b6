"""Analog modem WAN interface cards: the spec's own sample product ``ASR10012XOC3POS-RF``.

Everything the spec's pidrelease, pidimage and metadata/images samples ask for lives here with the samples'
values: mdfId 277873116, software type 283724313 "Analog Firmware Loader", the test releases on "Windows XP"
and "Windows 2000", and the images ``testfile1.exe``, ``testVPN_3.bin`` and ``2506tania3.bin`` with the
samples' sizes and GUIDs. Numbered firmware releases around 5.4.3 make the sample's ``latest`` query above
``5.4.3`` answer five records, as the sample's pagination says.
"""

from __future__ import annotations

from portal.cisco.simulator.families.base import (
    ANALOG_FW,
    SUPPORT,
    Doc,
    Family,
    ImageSpec,
    OperatingSystemSpec,
    ReleaseSpec,
    SoftwareTypeSpec,
    approx,
    products,
)

SET = "wic-analog-modem"
FIELD_NOTICES = SUPPORT + "interfaces-modules/wan-interface-cards/products-field-notices-list.html"
CONCEPT = "1700/2600/3600/3700 Series 1-Port Analog Modem WAN Interface Card"


def _firmware(version: str, fcs: str, *, platform: str = "", suggested: bool = False, files: int = 1) -> ReleaseSpec:
    """A numbered firmware release: the loader, then (``files`` > 1) the raw firmware and a silent installer."""
    candidates = (
        (f"AnalogFWLoader-{version}{platform}.exe", 1_090_000, "Firmware loader for analog modem WICs"),
        (f"wic-am-firmware-{version}.bin", 262_144, "Analog modem WIC firmware image"),
        (f"AnalogFWLoader-{version}{platform}-silent.msi", 1_240_000, "Firmware loader, unattended installer"),
    )
    return ReleaseSpec(
        version=version,
        fcs=fcs,
        suggested=suggested,
        field_notice=FIELD_NOTICES,
        images=tuple(
            ImageSpec(name=name, size=approx(size, name), description=text, crypto=False)
            for name, size, text in candidates[:files]
        ),
    )


# The spec's "latest above 5.4.3" sample answers 5 records: the newest release of each OS, image by image
# (3 files of 6.0.2 on Windows XP, 2 of 5.5.1 on Windows 2000).
WINDOWS_XP = (
    _firmware("5.4.1", "2018-03-12"),
    _firmware("5.4.3", "2019-02-15"),
    _firmware("5.4.4", "2019-08-23"),
    _firmware("5.5.1", "2020-11-06"),
    _firmware("5.6.0", "2021-04-30"),
    _firmware("6.0.2", "2021-09-17", suggested=True, files=3),
    ReleaseSpec(
        version="JuLy_TeSt(1.5E)",
        fcs="2020-07-10",
        lifecycle="MD",
        field_notice=FIELD_NOTICES,
        images=(
            ImageSpec(
                name="testfile1.exe",
                size=1048197,
                description="Ypub Parameter test",
                crypto=False,
                entitlement=True,
                restriction="IAC_ERROR",
                guid="85EC8B09474A0B89DED0345E9EBDB27181B6F2CF",
            ),
        ),
    ),
)
WINDOWS_2000 = (
    _firmware("5.4.4", "2019-08-23", platform="-w2k"),
    _firmware("5.5.1", "2020-11-06", platform="-w2k", files=2),
    ReleaseSpec(
        version="22jan2020",
        fcs="2020-01-22",
        lifecycle="",
        field_notice=FIELD_NOTICES,
        images=(
            ImageSpec(
                name="2506tania3.bin",
                size=17,
                description="test",
                crypto=False,
                docs=(
                    Doc(
                        "notes label",
                        "Image Document",
                        "https://www-stage.cisco.com/web/software/283724313/148829/notes.txt",
                    ),
                ),
            ),
        ),
    ),
    ReleaseSpec(
        version="02mar2020",
        fcs="2020-05-04",
        lifecycle="",
        field_notice=FIELD_NOTICES,
        images=(
            ImageSpec(
                name="testVPN_3.bin",
                size=11,
                description="test",
                crypto=True,
                related=True,
                entitlement=True,
                restriction="IAC_ERROR",
                guid="5733CA9E09F64B058DA991CBFB90C5C857C44CF1",
            ),
        ),
    ),
)

FAMILY = Family(
    key="wic_analog_modem",
    title="Analog Modem WAN Interface Cards (the spec's sample product)",
    software_type_sets={
        SET: (
            SoftwareTypeSpec(
                type_id=ANALOG_FW[0],
                name=ANALOG_FW[1],
                systems=(
                    OperatingSystemSpec("Windows XP", WINDOWS_XP),
                    OperatingSystemSpec("Windows 2000", WINDOWS_2000),
                ),
            ),
        )
    },
    products=products(
        SET,
        (
            ("ASR10012XOC3POS-RF", "277873116", CONCEPT),
            ("WIC-1AM-V2", "277873116", CONCEPT),
            ("WIC-2AM-V2", "277873117", "1700/2600/3600/3700 Series 2-Port Analog Modem WAN Interface Card"),
        ),
    ),
)
