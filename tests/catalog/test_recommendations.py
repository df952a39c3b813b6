"""Recommendation rules: standard (most specific scope) > newest suggested above > latest, with reasons."""

from __future__ import annotations

import pytest

from portal.catalog.choices import Reason
from portal.catalog.models import Recommendation
from portal.catalog.selectors import devices_recommended_image
from portal.catalog.services.recommendations import recommendations_recompute
from portal.catalog.services.standards import standard_release_delete, standard_release_set
from portal.inventory.choices import OsFamily
from tests.factories_inventory import DeviceFactory, ImageFactory, StandardReleaseFactory, catalog_of

pytestmark = pytest.mark.django_db

C9300 = [
    ("16.12.10a",),
    ("17.3.8a", "suggested"),
    ("17.6.7", "suggested"),
    ("17.9.1", "deferred", "deleted"),
    ("17.9.4", "psirt"),
    ("17.9.4a", "suggested"),
    ("17.9.5", "suggested"),
    ("17.12.4", "suggested"),
    ("17.15.1",),
]


def _rec(device) -> Recommendation:
    recommendations_recompute(device_ids=[device.pk])
    return Recommendation.objects.select_related("target_release", "target_image").get(device=device)


def test_newest_suggested_release_above_the_current_one_with_reason():
    catalog_of("C9300-24P", C9300)
    rec = _rec(DeviceFactory(current_release="17.3.8a", running_image="cat9k_iosxe.17.3.8a.SPA.bin"))
    assert rec.target_release.version == "17.12.4"
    assert rec.reason == Reason.SUGGESTED
    assert rec.reason_text == "17.12.4 is the newest suggested release above 17.3.8a."
    assert rec.upgrade_available is True
    assert rec.target_image.name == "cat9k_iosxe.17.12.4.SPA.bin"


def test_latest_when_nothing_suggested_is_above():
    catalog_of("C9300-24P", C9300)
    rec = _rec(DeviceFactory(current_release="17.12.4"))
    assert rec.target_release.version == "17.15.1"
    assert rec.reason == Reason.LATEST
    assert "No suggested release above 17.12.4; 17.15.1 is the latest." == rec.reason_text


def test_already_on_the_latest_release():
    catalog_of("C9300-24P", C9300)
    rec = _rec(DeviceFactory(current_release="17.15.1"))
    assert rec.reason == Reason.UP_TO_DATE
    assert rec.upgrade_available is False
    assert rec.target_release.version == "17.15.1"


def test_deleted_and_deferred_releases_are_never_targets():
    catalog_of("C9300-24P", [("17.3.8a",), ("17.9.1", "suggested", "deferred"), ("17.9.2", "suggested", "deleted")])
    rec = _rec(DeviceFactory(current_release="17.3.8a"))
    assert rec.reason == Reason.UP_TO_DATE


def test_leading_zeros_in_the_device_release_still_match():
    catalog_of("C9300-24P", C9300)
    rec = _rec(DeviceFactory(current_release="17.09.04", running_image=""))
    assert rec.current.version == "17.9.4"
    assert rec.psirt is True
    assert rec.target_release.version == "17.12.4"


def test_running_a_deleted_and_deferred_image_is_flagged():
    releases = catalog_of("C9300-24P", C9300)
    image = releases["17.9.1"].images.get()
    rec = _rec(DeviceFactory(current_release="17.9.1", running_image=image.name))
    assert rec.running_deleted is True
    assert rec.running_deferred is True


def test_no_catalog_data_says_so():
    rec = _rec(DeviceFactory(pid="C9999-UNKNOWN"))
    assert rec.reason == Reason.NO_CATALOG
    assert rec.target_release is None
    assert "run a catalog refresh" in rec.reason_text


def test_most_specific_standard_wins():
    releases = catalog_of("C9300-24P", C9300)
    StandardReleaseFactory(release=releases["17.6.7"])
    StandardReleaseFactory(release=releases["17.9.4a"], role="core")
    StandardReleaseFactory(release=releases["17.9.5"], site="ber1")
    StandardReleaseFactory(release=releases["17.12.4"], site="ber1", role="core")
    cases = {
        ("ber1", "core"): "17.12.4",
        ("ber1", "access"): "17.9.5",
        ("lon1", "core"): "17.9.4a",
        ("lon1", "access"): "17.6.7",
    }
    for (site, role), expected in cases.items():
        rec = _rec(DeviceFactory(current_release="17.3.8a", site=site, role=role))
        assert rec.target_release.version == expected, (site, role)
        assert rec.reason == Reason.STANDARD
        # The standard that applied is the most specific one whose scope matches the device.
        scope = (site if site == "ber1" else "", role if role == "core" else "")
        assert (rec.standard.site, rec.standard.role) == scope, (site, role)


def test_on_standard_and_downgrade_in_words():
    releases = catalog_of("C9300-24P", C9300)
    StandardReleaseFactory(release=releases["17.9.4a"])
    on = _rec(DeviceFactory(current_release="17.9.4a"))
    assert on.on_standard is True and on.reason == Reason.ON_STANDARD
    assert on.reason_text == "Already on its standard release 17.9.4a (standard for C9300-24P)."
    above = _rec(DeviceFactory(current_release="17.12.4"))
    assert above.on_standard is False and above.upgrade_available is False
    assert "a downgrade" in above.reason_text


def test_setting_and_removing_a_standard_recomputes_the_pid():
    releases = catalog_of("C9300-24P", C9300)
    device = DeviceFactory(current_release="17.3.8a")
    recommendations_recompute()
    standard = standard_release_set(release=releases["17.6.7"], site="ber1")
    assert Recommendation.objects.get(device=device).target_release.version == "17.6.7"
    standard_release_delete(standard=standard)
    assert Recommendation.objects.get(device=device).target_release.version == "17.12.4"


def test_nxos_device_gets_system_software_not_epld():
    catalog_of(
        "N9K-C93180YC-FX",
        [("9.3(12)", "suggested"), ("10.3(5)M", "suggested")],
        type_id="282088129",
        type_name="NX-OS System Software",
        image="nxos64-cs.{}.bin",
    )
    catalog_of(
        "N9K-C93180YC-FX",
        [("9.3(13)",), ("10.4(4)M", "suggested")],
        type_id="282088132",
        type_name="NX-OS EPLD Updates",
        image="n9000-epld.{}.img",
    )
    device = DeviceFactory(
        pid="N9K-C93180YC-FX", current_release="9.3(10)", running_image="nxos64-cs.9.3.10.bin", os_family=OsFamily.NX_OS
    )
    rec = _rec(device)
    assert rec.target_release.software_type.name == "NX-OS System Software"
    assert rec.target_release.version == "10.3(5)M"


def test_target_image_is_the_closest_name_to_the_running_one():
    releases = catalog_of("WS-C2960X-48FPD-L", [("15.2(7)E10", "suggested")], image="c2960x-universalk9-mz.{}.bin")
    release = releases["15.2(7)E10"]
    ImageFactory(release=release, name="c2960x-universalk9-tar.152-7.E10.tar", is_related=True)
    ImageFactory(release=release, name="c2960x-universalk9_npe-mz.152-7.E10.bin")
    device = DeviceFactory(
        pid="WS-C2960X-48FPD-L",
        current_release="15.2(7)E8",
        running_image="c2960x-universalk9_npe-mz.152-7.E8.bin",
        os_family=OsFamily.IOS,
    )
    assert _rec(device).target_image.name == "c2960x-universalk9_npe-mz.152-7.E10.bin"


def test_devices_recommended_image_selector_for_downloads():
    catalog_of("C9300-24P", C9300)
    a = DeviceFactory(current_release="17.3.8a")
    b = DeviceFactory(current_release="17.9.4")
    DeviceFactory(current_release="17.15.1")
    recommendations_recompute()
    found = devices_recommended_image(image_name="cat9k_iosxe.17.12.4.SPA.bin")
    assert list(found) == [a, b]


def test_bulk_recompute_covers_every_device_and_shares_work():
    catalog_of("C9300-24P", C9300)
    DeviceFactory.create_batch(30, current_release="17.3.8a")
    DeviceFactory.create_batch(5, current_release="17.15.1")
    assert recommendations_recompute() == 35
    assert Recommendation.objects.filter(reason=Reason.SUGGESTED).count() == 30
    assert Recommendation.objects.filter(reason=Reason.UP_TO_DATE).count() == 5
