"""show version / show inventory of IOS, IOS XE, NX-OS, ASA and IOS XR (captures in captures/): device facts,
memory and flash, install mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.inventory.choices import DeviceSource, OsFamily
from portal.inventory.models import Device
from portal.inventory.services.devices import DeviceInvalid
from portal.inventory.services.show import ShowParseError, device_from_show, show_parse

CAPTURES = Path(__file__).parent / "captures"


def _text(name: str) -> str:
    return (CAPTURES / name).read_text()


@pytest.mark.parametrize(
    ("version", "inventory", "expected"),
    [
        (
            "ios_xe_c9300_show_version.txt",
            "ios_xe_c9300_show_inventory.txt",
            ("cisco_ios", OsFamily.IOS_XE, "ber-acc-sw01", "C9300-24P", "FCW2319L0BX", "17.9.4a",
             "cat9k_iosxe.17.09.04a.SPA.bin"),
        ),
        (
            "ios_c2960x_show_version.txt",
            None,
            ("cisco_ios", OsFamily.IOS, "lon-acc-sw07", "WS-C2960X-48FPD-L", "FOC1932S0AB", "15.2(7)E8",
             "c2960x-universalk9-mz.152-7.E8.bin"),
        ),
        (
            "nxos_n9k_show_version.txt",
            "nxos_n9k_show_inventory.txt",
            ("cisco_nxos", OsFamily.NX_OS, "ams-dc-leaf01", "N9K-C93180YC-FX", "FDO23160JQ1", "9.3(10)",
             "nxos.9.3.10.bin"),
        ),
        (
            "asa_5516_show_version.txt",
            "asa_5516_show_inventory.txt",
            ("cisco_asa", OsFamily.ASA, "fra-fw01", "ASA5516", "JAD21410ABC", "9.16(4)19",
             "asa9-16-4-19-lfbff-k8.SPA"),
        ),
    ],
)  # fmt: skip
def test_parse_real_captures(version, inventory, expected):
    facts = show_parse(show_version=_text(version), show_inventory=_text(inventory) if inventory else "")
    got = (
        facts.platform,
        facts.os_family,
        facts.hostname,
        facts.pid,
        facts.serial,
        facts.current_release,
        facts.running_image,
    )
    assert got == expected


def test_without_show_inventory_nxos_pid_is_rebuilt_and_a_warning_given():
    facts = show_parse(show_version=_text("nxos_n9k_show_version.txt"))
    assert facts.pid == "N9K-C93180YC-FX"
    assert any("show inventory" in w for w in facts.warnings)


def test_inventory_serial_beats_the_processor_board_id():
    facts = show_parse(show_version=_text("ios_xe_c9300_show_version.txt"))
    assert facts.serial == "FCW2319L0BX"  # System Serial Number, not Processor board ID FOC2318X0LK


def test_garbage_is_refused():
    with pytest.raises(ShowParseError):
        show_parse(show_version="Juniper Networks JUNOS 21.4R3")
    with pytest.raises(ShowParseError):
        show_parse(show_version="   ")


@pytest.mark.django_db
def test_page_paste_creates_then_updates_the_device(client, engineer):
    client.force_login(engineer)
    data = {
        "show_version": _text("ios_xe_c9300_show_version.txt"),
        "show_inventory": _text("ios_xe_c9300_show_inventory.txt"),
        "platform": "auto",
        "site": "ber1",
        "role": "access",
        "tags": "core, pci",
    }
    response = client.post("/devices/import/show-version/", data)
    assert response.status_code == 302
    device = Device.objects.get(hostname="ber-acc-sw01")
    assert response.url == f"/devices/{device.pk}/"
    assert (device.pid, device.current_release, device.site, device.source) == (
        "C9300-24P",
        "17.9.4a",
        "ber1",
        DeviceSource.SHOW,
    )
    assert sorted(device.tags.values_list("name", flat=True)) == ["core", "pci"]
    again = client.post("/devices/import/show-version/", {**data, "site": "", "tags": ""})
    assert again.status_code == 302
    assert Device.objects.count() == 1
    device.refresh_from_db()
    assert device.site == "ber1"  # not given the second time: left as it was


@pytest.mark.django_db
def test_page_paste_of_garbage_shows_the_problem(client, engineer):
    client.force_login(engineer)
    response = client.post("/devices/import/show-version/", {"show_version": "hello", "platform": "auto"})
    assert response.status_code == 400
    assert "does not look like show version" in response.content.decode()


@pytest.mark.django_db
def test_api_parse_only_then_save(api_as, engineer):
    api = api_as(engineer)
    body = {"show_version": _text("asa_5516_show_version.txt"), "show_inventory": _text("asa_5516_show_inventory.txt")}
    parsed = api.post("/api/v1/devices/parse-show/", body, format="json")
    assert parsed.status_code == 200
    assert parsed.json()["facts"]["current_release"] == "9.16(4)19" and parsed.json()["device"] is None
    assert Device.objects.count() == 0
    saved = api.post("/api/v1/devices/parse-show/", {**body, "save": True, "site": "fra1"}, format="json")
    assert saved.status_code == 200
    assert saved.json()["created"] is True and saved.json()["device"]["hostname"] == "fra-fw01"
    assert Device.objects.get().site == "fra1"


@pytest.mark.django_db
def test_api_parse_error_is_a_400_with_code(api_as, engineer):
    response = api_as(engineer).post("/api/v1/devices/parse-show/", {"show_version": "nope"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "unparseable"


@pytest.mark.parametrize(
    ("capture", "family", "memory_mb", "flash_mb"),
    [
        ("ios_c2960x_show_version.txt", OsFamily.IOS, 512, None),  # 524288K; a 2960-X does not list its flash
        ("ios_isr1941_show_version.txt", OsFamily.IOS, 512, 245),  # 487424K/36864K; 250880K CompactFlash 0
        ("ios_xe_c9300_show_version.txt", OsFamily.IOS_XE, 8192, 11000),  # 8388608K physical; 11264000K flash:
        ("ios_xe_isr4331_install_show_version.txt", OsFamily.IOS_XE, 4096, 3147),  # 3223551K bootflash:, down
        ("nxos_n9k_show_version.txt", OsFamily.NX_OS, 24055, 113091),  # 24633064 kB; bootflash: 115805708 kB
        ("asa_5516_show_version.txt", OsFamily.ASA, 8192, 8192),  # "8192 MB RAM"; not the 16384KB BIOS flash
        ("asa_5506_show_version.txt", OsFamily.ASA, 4096, 8192),
        ("ios_xr_asr9006_show_version.txt", OsFamily.IOS_XR, 6144, 11540),  # 6291456K; disk0: 11817968k, down
        ("ios_xr_8201_show_version.txt", OsFamily.IOS_XR, 32768, None),  # "32GB of memory"; XR7 lists no disk
    ],
)
def test_memory_and_flash_in_whole_megabytes_rounded_down(capture, family, memory_mb, flash_mb):
    facts = show_parse(show_version=_text(capture))
    assert (facts.os_family, facts.memory_mb, facts.flash_mb) == (family, memory_mb, flash_mb)


def test_ios_xr_classic_with_prompts_and_show_inventory():
    facts = show_parse(
        show_version=_text("ios_xr_asr9006_show_version.txt"),
        show_inventory=_text("ios_xr_asr9006_show_inventory.txt"),
    )
    assert (facts.platform, facts.hostname, facts.pid, facts.serial, facts.current_release) == (
        "cisco_xr",
        "fra-pe01",
        "ASR-9006-AC-V2",  # the chassis entry, not the first module
        "FOX1844GAB3",
        "6.4.2",  # "6.4.2[Default]"
    )
    assert facts.running_image == "" and any("IOS XR boots installed packages" in w for w in facts.warnings)


def test_ios_xr7_release_and_hostname():
    facts = show_parse(show_version=_text("ios_xr_8201_show_version.txt"))
    assert (facts.hostname, facts.pid, facts.current_release) == ("lon-core01", "8201-32FH", "24.1.2")


def test_install_mode_on_catalyst_9000_stores_the_image_it_was_installed_from():
    facts = show_parse(show_version=_text("ios_xe_c9300_install_show_version.txt"))
    assert facts.running_image == "cat9k_iosxe.17.09.04a.SPA.bin"  # not packages.conf
    assert not any("install mode" in w for w in facts.warnings)


@pytest.mark.django_db
def test_install_mode_elsewhere_keeps_the_known_image_and_says_why():
    facts = show_parse(show_version=_text("ios_xe_isr4331_install_show_version.txt"))
    assert facts.running_image == ""
    assert any("install mode (packages.conf)" in w for w in facts.warnings)
    image = "isr4300-universalk9.17.09.04a.SPA.bin"
    Device.objects.create(hostname="par-br-rtr01", pid="ISR4331/K9", running_image=image)
    device_id, created = device_from_show(facts=facts)
    device = Device.objects.get(pk=device_id)
    assert not created and device.running_image == image  # never packages.conf
    assert (device.current_release, device.memory_mb, device.flash_mb) == ("17.9.4a", 4096, 3147)


@pytest.mark.django_db
def test_api_parse_returns_memory_flash_and_saves_them(api_as, engineer):
    api = api_as(engineer)
    body = {"show_version": _text("nxos_n9k_show_version.txt"), "show_inventory": _text("nxos_n9k_show_inventory.txt")}
    parsed = api.post("/api/v1/devices/parse-show/", body, format="json").json()
    assert (parsed["facts"]["memory_mb"], parsed["facts"]["flash_mb"]) == (24055, 113091)
    saved = api.post("/api/v1/devices/parse-show/", {**body, "save": True}, format="json").json()
    assert (saved["device"]["memory_mb"], saved["device"]["flash_mb"]) == (24055, 113091)


@pytest.mark.django_db
def test_page_paste_of_ios_xr_creates_the_device(client, engineer):
    client.force_login(engineer)
    data = {
        "show_version": _text("ios_xr_asr9006_show_version.txt"),
        "show_inventory": _text("ios_xr_asr9006_show_inventory.txt"),
        "platform": "auto",
    }
    assert client.post("/devices/import/show-version/", data).status_code == 302
    device = Device.objects.get()
    assert (device.hostname, device.pid, device.os_family, device.current_release, device.memory_mb) == (
        "fra-pe01",
        "ASR-9006-AC-V2",
        OsFamily.IOS_XR,
        "6.4.2",
        6144,
    )


def test_a_release_in_the_text_that_is_not_one_is_refused_on_save(db):
    text = _text("ios_xe_c9300_show_version.txt").replace("Version 17.9.4a, RELEASE", "Version banana, RELEASE")
    facts = show_parse(show_version=text)
    with pytest.raises(DeviceInvalid, match=r"current_release: 'banana' is not an IOS XE release"):
        device_from_show(facts=facts)
    assert not Device.objects.exists()


@pytest.mark.django_db
def test_api_and_page_name_the_field_a_saved_paste_breaks(api_as, engineer, client):
    body = {"show_version": _text("ios_xe_c9300_show_version.txt"), "save": True, "hostname": "bad host"}
    response = api_as(engineer).post("/api/v1/devices/parse-show/", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    assert list(response.json()["fields"]) == ["hostname"]
    client.force_login(engineer)
    page = client.post("/devices/import/show-version/", {**body, "platform": "auto", "save": ""})
    assert page.status_code == 400 and list(page.context["show_form"].errors) == ["hostname"]
    text = _text("ios_xe_c9300_show_version.txt").replace("Version 17.9.4a, RELEASE", "Version banana, RELEASE")
    page = client.post("/devices/import/show-version/", {"show_version": text, "platform": "auto"})
    assert "current_release: &#x27;banana&#x27; is not an IOS XE release" in page.content.decode()
    assert not Device.objects.exists()
