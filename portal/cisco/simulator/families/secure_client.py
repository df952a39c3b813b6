"""AnyConnect Secure Mobility Client 4.x and Cisco Secure Client 5.x: Windows, Linux and macOS packages.

Not IOS: releases are grouped by operating system, images carry a description instead of a feature set,
and most are delivered from Cisco's cloud (``simDelivery`` "cloud"), like the spec's cloud-download sample.
"""

from __future__ import annotations

from dataclasses import replace

from portal.cisco.simulator.families.base import (
    ANYCONNECT,
    DOCS,
    SA_LISTING,
    SUPPORT,
    Family,
    ImageKind,
    Line,
    OperatingSystemSpec,
    ReleaseRow,
    SoftwareTypeSpec,
    products,
    releases,
)

SET = "secure-client"
ANYCONNECT_DOCS = DOCS + "security/vpn_client/anyconnect/"
FIELD_NOTICES = SUPPORT + "security/anyconnect-secure-mobility-client/products-field-notices-list.html"


def _prefix(version: str, platform: str) -> str:
    product = "anyconnect" if version.startswith("4.") else "cisco-secure-client"
    return f"{product}-{platform}-{version}"


def _notes(version: str) -> str:
    major, minor = version.split(".")[:2]
    if major == "4":
        return f"{ANYCONNECT_DOCS}anyconnect4{minor}/release/notes/release-notes-anyconnect-4-{minor}.html"
    return f"{ANYCONNECT_DOCS}Cisco-Secure-Client-5/release/notes/release-notes-cisco-secure-client-5-{minor}.html"


def _line(*kinds: ImageKind) -> Line:
    return Line(kinds=kinds, field_notice=FIELD_NOTICES, notes=_notes)


WINDOWS = _line(
    ImageKind(
        lambda v: _prefix(v, "win") + "-core-vpn-predeploy-k9.msi",
        13.6,
        description="Windows VPN module, pre-deployment installer (MSI)",
    ),
    ImageKind(
        lambda v: _prefix(v, "win") + "-webdeploy-k9.pkg",
        74,
        description="Windows web-deploy package for the headend (ASA/FTD)",
        related=True,
    ),
)
LINUX = _line(
    ImageKind(
        lambda v: _prefix(v, "linux64") + "-predeploy-k9.tar.gz",
        36,
        description="Linux 64-bit pre-deployment package",
    ),
    ImageKind(
        lambda v: _prefix(v, "linux64") + "-webdeploy-k9.pkg",
        38,
        description="Linux 64-bit web-deploy package for the headend (ASA/FTD)",
        related=True,
    ),
)
MACOS = _line(
    ImageKind(
        lambda v: _prefix(v, "macos") + "-predeploy-k9.dmg",
        58,
        description="macOS pre-deployment package",
    ),
    ImageKind(
        lambda v: _prefix(v, "macos") + "-webdeploy-k9.pkg",
        56,
        description="macOS web-deploy package for the headend (ASA/FTD)",
        related=True,
    ),
)

_PRE = (0,)
ROWS = (
    ReleaseRow("4.8.03052", "2020-02-21", only=_PRE, deleted="2022-03-31"),
    ReleaseRow("4.9.06037", "2021-02-26", only=_PRE),
    ReleaseRow("4.10.04071", "2021-12-03", only=_PRE, psirt=SA_LISTING, cloud=True),
    ReleaseRow("4.10.05095", "2022-03-11", only=_PRE, cloud=True),
    ReleaseRow("4.10.06079", "2022-09-09", only=_PRE, cloud=True),
    ReleaseRow("4.10.07061", "2023-03-17", only=_PRE, deferred_to="4.10.07073", cloud=True),
    ReleaseRow("4.10.07073", "2023-05-26", only=_PRE, cloud=True),
    ReleaseRow("4.10.08025", "2023-12-08", suggested=True, cloud=True),
    ReleaseRow("4.10.08029", "2024-03-15", only=_PRE, suggested=True, cloud=True),
    ReleaseRow("5.0.05040", "2023-09-29", only=_PRE, cloud=True),
    ReleaseRow("5.1.2.42", "2024-02-16", only=_PRE, cloud=True, restriction="LOGIN_REQD"),
    ReleaseRow("5.1.4.74", "2024-06-14", suggested=True, cloud=True),
    ReleaseRow("5.1.6.103", "2024-10-18", lifecycle="ED", only=_PRE, cloud=True),
)


def _rows_for(scale: float) -> tuple[ReleaseRow, ...]:
    """Installers grow a little from release to release; ``scale`` spreads sizes across the table."""
    count = len(ROWS)
    return tuple(replace(row, mib=scale * (0.85 + 0.3 * index / count)) for index, row in enumerate(ROWS))


FAMILY = Family(
    key="secure_client",
    title="AnyConnect Secure Mobility Client and Cisco Secure Client",
    software_type_sets={
        SET: (
            SoftwareTypeSpec(
                type_id=ANYCONNECT[0],
                name=ANYCONNECT[1],
                systems=(
                    OperatingSystemSpec("Windows", releases(WINDOWS, _rows_for(WINDOWS.kinds[0].mib))),
                    OperatingSystemSpec("Linux", releases(LINUX, _rows_for(LINUX.kinds[0].mib))),
                    OperatingSystemSpec("Mac OS", releases(MACOS, _rows_for(MACOS.kinds[0].mib))),
                ),
            ),
        )
    },
    products=products(
        SET,
        (
            ("L-AC-PLS-LIC=", "286281283", "AnyConnect Secure Mobility Client v4.x"),
            ("L-AC-APX-LIC=", "286281283", "AnyConnect Secure Mobility Client v4.x"),
            ("L-AC-VPNO-LIC=", "286281283", "AnyConnect Secure Mobility Client v4.x"),
            ("AC-PLS-P-25-S", "286330811", "Secure Client (including AnyConnect)"),
            ("AC-APX-P-25-S", "286330811", "Secure Client (including AnyConnect)"),
        ),
    ),
)
