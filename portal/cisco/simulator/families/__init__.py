"""The product families of the simulator's default catalog, one module per family.

Each module defines ``FAMILY`` (a :class:`~portal.cisco.simulator.families.base.Family`): its shared software
type sets and the PIDs that use them. Release tables are compact rows expanded by ``base.releases``; image
names follow Cisco's own spelling for each platform (``cat9k_iosxe.17.09.04a.SPA.bin`` for version
``17.9.4a``, ``c2960x-universalk9-mz.152-7.E10.bin``, ``nxos64-cs.10.3.5.M.bin``, ``asa9-16-4-19-smp-k8.bin``,
``AIR-CT5520-K9-8-10-185-0.aes`` ...). ``catalog_build.build_default()`` turns them into catalog JSON.

Families (module: what it holds):

* ``catalyst9300`` / ``catalyst9200``: IOS XE 16.12 to 17.15, ``cat9k_iosxe`` / ``cat9k_lite_iosxe``;
* ``catalyst2960x``: IOS 15.2(2)E to 15.2(7)E10 (universal, tar, NPE) and 2960 Plus LAN Base / LAN Lite;
* ``isr4000`` / ``asr1000``: IOS XE routers with their ROMMON packages;
* ``nexus9000``: NX-OS 7.0(3)I7, 9.3, 10.x and EPLD images (+ the spec's download-sample PID ACS-1800-RM-19=);
* ``catalyst6500``: IOS 15.x SY for Supervisor 2T and 6T;
* ``asa5500x``: ASA 9.12 to 9.16 and ASDM;
* ``wireless_aireos``: AireOS 8.10 for the 3504, 5520 and 8540 controllers;
* ``asr9000``: IOS XR 7.x / 24.x base ISOs and SMUs;
* ``secure_client``: AnyConnect 4.x / Secure Client 5.x for Windows, Linux and macOS (cloud delivered);
* ``mds9000``, ``me3600x``, ``cisco1700``: smaller families holding the spec's metadata/images sample names;
* ``wic_analog_modem``: the spec's pidrelease/pidimage sample PID ASR10012XOC3POS-RF with the samples' values.

GUIDs are sha1 of the set name (or, for inline software types, the PID) and the image name, except where a
spec sample fixes one. Sizes are realistic but trimmed so the whole catalog stays under about 40 GB.
"""

from __future__ import annotations

from portal.cisco.simulator.families import (
    asa5500x,
    asr1000,
    asr9000,
    catalyst2960x,
    catalyst6500,
    catalyst9200,
    catalyst9300,
    cisco1700,
    isr4000,
    mds9000,
    me3600x,
    nexus9000,
    secure_client,
    wic_analog_modem,
    wireless_aireos,
)
from portal.cisco.simulator.families.base import Family

FAMILIES: tuple[Family, ...] = (
    catalyst9300.FAMILY,
    catalyst9200.FAMILY,
    catalyst2960x.FAMILY,
    isr4000.FAMILY,
    asr1000.FAMILY,
    nexus9000.FAMILY,
    catalyst6500.FAMILY,
    asa5500x.FAMILY,
    wireless_aireos.FAMILY,
    asr9000.FAMILY,
    secure_client.FAMILY,
    mds9000.FAMILY,
    me3600x.FAMILY,
    cisco1700.FAMILY,
    wic_analog_modem.FAMILY,
)
"""Every family of the default catalog, in catalog order."""
