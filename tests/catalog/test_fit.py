"""Will the target fit? The target image's minDram/minFlash against the device's memory and flash: the verdict,
by how much, where it shows (device page, device list, dashboard, fleet CSV, API), and downgrades made visible."""

from __future__ import annotations

import csv
import io

import pytest

from portal.catalog.choices import Fit
from portal.catalog.fit import FitResult, fit_of, fit_text
from portal.catalog.models import Image, Recommendation
from portal.catalog.services.recommendations import recommendations_recompute
from portal.catalog.services.refresh import catalog_refresh_run_inline, catalog_refresh_start
from portal.catalog.services.standards import standard_release_set
from tests.factories_inventory import DeviceFactory, catalog_of, save_device

pytestmark = pytest.mark.django_db

ROWS = [("17.3.8a", "suggested"), ("17.9.4a", "suggested"), ("17.12.4", "suggested")]


@pytest.fixture
def releases():
    """C9300-24P images asking for 8 GB of DRAM and 16 GB of flash (17.3.8a: 4 GB, 8 GB)."""
    out = catalog_of("C9300-24P", ROWS)
    Image.objects.filter(release__product__pid="C9300-24P").update(min_dram="8192", min_flash="16384")
    Image.objects.filter(release=out["17.3.8a"]).update(min_dram="4 GB", min_flash="8192 MB")
    return out


def _rec(device) -> Recommendation:
    recommendations_recompute(device_ids=[device.pk])
    return Recommendation.objects.select_related("target_release", "device").get(device=device)


@pytest.mark.parametrize(
    ("minimums", "figures", "fit", "short"),
    [
        ((8192, 16384), (8192, 16384), Fit.FITS, (None, None)),
        ((8192, 16384), (4096, 16384), Fit.TOO_SMALL, (4096, None)),
        ((8192, 16384), (4096, 8192), Fit.TOO_SMALL, (4096, 8192)),
        ((8192, 16384), (4096, None), Fit.TOO_SMALL, (4096, None)),  # short whatever else is unknown
        ((8192, 16384), (16384, None), Fit.UNKNOWN, (None, None)),  # flash not known
        ((8192, None), (16384, None), Fit.FITS, (None, None)),  # flash: nothing published to meet
        ((None, None), (16384, 32768), Fit.UNKNOWN, (None, None)),  # nothing published at all
        ((8192, 16384), (None, None), Fit.UNKNOWN, (None, None)),  # no device figures
    ],
)
def test_fit_rules(minimums, figures, fit, short):
    result = fit_of(min_memory_mb=minimums[0], min_flash_mb=minimums[1], memory_mb=figures[0], flash_mb=figures[1],
                    running=False)  # fmt: skip
    assert (result.fit, result.memory_short_mb, result.flash_short_mb) == (fit, *short)


def test_the_release_a_device_runs_fits_it():
    result = fit_of(min_memory_mb=8192, min_flash_mb=None, memory_mb=4096, flash_mb=None, running=True)
    assert result.fit == Fit.FITS


def test_fit_in_words_with_units():
    short = fit_of(min_memory_mb=8192, min_flash_mb=16384, memory_mb=4096, flash_mb=14336, running=False)
    assert fit_text(short, memory_mb=4096, flash_mb=14336) == (
        "Does not fit: 4 GB of DRAM and 2 GB of flash short (needs DRAM ≥ 8 GB, flash ≥ 16 GB)."
    )
    fits = fit_of(min_memory_mb=8192, min_flash_mb=16384, memory_mb=8192, flash_mb=16384, running=False)
    assert fit_text(fits, memory_mb=8192, flash_mb=16384) == "Fits (needs DRAM ≥ 8 GB, flash ≥ 16 GB)."
    unknown = fit_of(min_memory_mb=8192, min_flash_mb=16384, memory_mb=8192, flash_mb=None, running=False)
    assert fit_text(unknown, memory_mb=8192, flash_mb=None) == (
        "Fit unknown: needs DRAM ≥ 8 GB, flash ≥ 16 GB; the device's flash is not known."
    )
    assert fit_text(FitResult(), memory_mb=1, flash_mb=1) == (
        "Fit unknown: the target image publishes no minimum DRAM or flash."
    )
    assert fit_text(FitResult(), memory_mb=1, flash_mb=1, has_target=False) == "Fit unknown: no target image."


def test_recommendation_says_how_much_is_short(releases):
    rec = _rec(DeviceFactory(current_release="17.3.8a", memory_mb=4096, flash_mb=16384))
    assert rec.target_release.version == "17.12.4" and rec.upgrade_available
    assert (rec.fit, rec.memory_short_mb, rec.flash_short_mb) == (Fit.TOO_SMALL, 4096, None)
    assert (rec.min_memory_mb, rec.min_flash_mb) == (8192, 16384)
    assert rec.reason_text == (
        "17.12.4 is the newest suggested release above 17.3.8a. "
        "Does not fit: 4 GB of DRAM short (needs DRAM ≥ 8 GB, flash ≥ 16 GB)."
    )
    roomy = _rec(DeviceFactory(current_release="17.3.8a", memory_mb=16384, flash_mb=32768))
    assert roomy.fit == Fit.FITS and roomy.fit_text == "Fits (needs DRAM ≥ 8 GB, flash ≥ 16 GB)."
    assert _rec(DeviceFactory(current_release="17.3.8a")).fit == Fit.UNKNOWN


def test_a_standard_that_does_not_fit_says_so_on_the_device(releases, client, engineer):
    standard_release_set(release=releases["17.9.4a"], site="ber1")
    device = DeviceFactory(current_release="17.3.8a", site="ber1", memory_mb=8192, flash_mb=11000)
    rec = _rec(device)
    assert rec.reason == "standard" and rec.fit == Fit.TOO_SMALL and rec.flash_short_mb == 5384
    assert rec.reason_text.endswith(
        "an upgrade. Does not fit: 5384 MB of flash short (needs DRAM ≥ 8 GB, flash ≥ 16 GB)."
    )
    client.force_login(engineer)
    page = client.get(f"/devices/{device.pk}/").content.decode()
    assert '<span class="pill bad">does not fit</span>' in page
    assert '<p id="fit" class="fit-too_small">Does not fit: 5384 MB of flash short' in page
    assert '<dd id="memory">8 GB</dd>' in page and '<dd id="flash">11000 MB</dd>' in page
    listing = client.get("/devices/?fit=too_small").content.decode()
    assert device.hostname in listing and '<span class="pill bad">does not fit</span>' in listing
    assert '<span class="pill bad" title="needs DRAM ≥ 8 GB, flash ≥ 16 GB">5384 MB of flash short</span>' in listing


def test_a_device_memory_change_recomputes_its_fit(releases):
    device = save_device(hostname="sw-1", pid="C9300-24P", current_release="17.3.8a", memory_mb="4096",
                         flash_mb="16384")  # fmt: skip
    assert Recommendation.objects.get(device=device).fit == Fit.TOO_SMALL
    save_device(device, memory_mb="16384")
    assert Recommendation.objects.get(device=device).fit == Fit.FITS


def test_fit_filter_column_dashboard_csv_and_api(releases, client, engineer, api_as):
    small = DeviceFactory(hostname="small", current_release="17.3.8a", memory_mb=4096, flash_mb=16384)
    DeviceFactory(hostname="roomy", current_release="17.3.8a", memory_mb=16384, flash_mb=32768)
    DeviceFactory(hostname="unknown", current_release="17.3.8a")
    recommendations_recompute()
    client.force_login(engineer)
    by_fit = {fit: client.get(f"/devices/?fit={fit}").context["page"].object_list for fit in Fit.values}
    assert {fit: [d.hostname for d in rows] for fit, rows in by_fit.items()} == {
        "fits": ["roomy"], "too_small": ["small"], "unknown": ["unknown"],
    }  # fmt: skip
    assert client.get("/devices/?fit=huge").context["filter"].errors
    dashboard = client.get("/dashboard/")
    assert {t["key"]: t["count"] for t in dashboard.context["tiles"]}["too_small"] == 1
    assert "target does not fit" in dashboard.content.decode()
    assert "3 devices" in dashboard.content.decode()
    export = client.get("/dashboard/export.csv?fit=too_small")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [(r["hostname"], r["fit"], r["memory_mb"], r["min_memory_mb"], r["memory_short_mb"], r["flash_short_mb"])
            for r in rows] == [("small", "too_small", "4096", "8192", "4096", "")]  # fmt: skip
    api = api_as(engineer)
    rec = api.get(f"/api/v1/devices/{small.pk}/recommendation/").json()
    figures = (rec["fit"], rec["memory_short_mb"], rec["flash_short_mb"], rec["min_memory_mb"])
    assert figures == ("too_small", 4096, None, 8192)
    assert rec["fit_text"].startswith("Does not fit: 4 GB of DRAM short")
    listed = api.get("/api/v1/catalog/recommendations/?fit=too_small").json()["results"]
    assert [r["hostname"] for r in listed] == ["small"]
    report = api.get("/api/v1/catalog/report/").json()
    assert report["counts"]["too_small"] == 1


def test_fit_against_the_simulator_catalog(upstream):
    """The simulator publishes cat9k_iosxe's minimums (8192 MB DRAM, 16384 MB flash) over real HTTP."""
    small = DeviceFactory(pid="C9300-24P", current_release="17.3.8a", memory_mb=4096, flash_mb=11000)
    roomy = DeviceFactory(pid="C9300-48U", current_release="17.3.8a", memory_mb=8192, flash_mb=16384)
    refresh, _ = catalog_refresh_start(enqueue=False)
    catalog_refresh_run_inline(refresh_id=refresh.pk)
    small_rec, roomy_rec = Recommendation.objects.get(device=small), Recommendation.objects.get(device=roomy)
    assert (small_rec.fit, small_rec.memory_short_mb, small_rec.flash_short_mb) == (Fit.TOO_SMALL, 4096, 5384)
    assert roomy_rec.fit == Fit.FITS
    assert roomy_rec.needs_text == "DRAM ≥ 8 GB, flash ≥ 16 GB"


# --- downgrades ---------------------------------------------------------------------------------------------


def test_a_target_below_the_running_release_is_a_downgrade_everywhere(releases, client, engineer, api_as):
    standard_release_set(release=releases["17.9.4a"])
    above = DeviceFactory(hostname="above", current_release="17.12.4")
    DeviceFactory(hostname="below", current_release="17.3.8a")
    recommendations_recompute()
    rec = Recommendation.objects.get(device=above)
    assert rec.downgrade and not rec.upgrade_available and "a downgrade" in rec.reason_text
    assert not Recommendation.objects.get(device__hostname="below").downgrade
    client.force_login(engineer)
    listing = client.get("/devices/?status=downgrade")
    assert [d.hostname for d in listing.context["page"].object_list] == ["above"]
    assert '<span class="pill warn downgrade">downgrade</span>' in listing.content.decode()
    tiles = {t["key"]: t["count"] for t in client.get("/dashboard/").context["tiles"]}
    assert tiles["downgrade"] == 1 and tiles["upgrade_available"] == 1
    assert (
        '<span class="pill warn" id="downgrade">downgrade</span>'
        in client.get(f"/devices/{above.pk}/").content.decode()
    )
    assert api_as(engineer).get(f"/api/v1/devices/{above.pk}/recommendation/").json()["downgrade"] is True


def test_the_target_column_sorts_in_cisco_order(client, engineer, api_as):
    releases = catalog_of("C9300-24P", [("16.12.10a",), ("17.9.4a",), ("17.12.4",)])
    for name, version in (("a-twelve", "17.12.4"), ("b-nine", "17.9.4a"), ("c-sixteen", "16.12.10a")):
        device = DeviceFactory(hostname=name, current_release="16.12.10a")
        standard_release_set(release=releases[version], site=name)
        device.site = name
        device.save()
    DeviceFactory(hostname="d-none", pid="C9999-NOCATALOG")
    recommendations_recompute()
    client.force_login(engineer)

    def order(query: str) -> list[str]:
        return [d.hostname for d in client.get(f"/devices/?{query}").context["page"].object_list]

    # Text order would put 17.12.4 before 17.9.4a; devices without a target come last either way.
    assert order("ordering=target") == ["c-sixteen", "b-nine", "a-twelve", "d-none"]
    assert order("ordering=-target") == ["a-twelve", "b-nine", "c-sixteen", "d-none"]
    assert '<a href="?ordering=-target">Target</a> ▲' in client.get("/devices/?ordering=target").content.decode()
    api = api_as(engineer).get("/api/v1/devices/?ordering=-target").json()["results"]
    assert [d["hostname"] for d in api] == ["a-twelve", "b-nine", "c-sixteen", "d-none"]


def test_release_list_writes_minimums_with_units(releases, client, engineer):
    Image.objects.filter(release=releases["17.9.4a"]).update(min_dram="see notes")
    client.force_login(engineer)
    page = client.get("/catalog/products/C9300-24P/?all=on").content.decode()
    assert "DRAM ≥ 8 GB · flash ≥ 16 GB" in page  # 17.12.4: "8192", "16384"
    assert "DRAM ≥ 4 GB · flash ≥ 8 GB" in page  # 17.3.8a: "4 GB", "8192 MB"
    assert "DRAM ≥ see notes" in page  # not a figure: as the upstream wrote it


def test_device_api_summarises_fit_and_downgrade(releases, api_as, engineer):
    device = DeviceFactory(hostname="small", current_release="17.3.8a", memory_mb=4096, flash_mb=16384)
    recommendations_recompute()
    summary = api_as(engineer).get(f"/api/v1/devices/{device.pk}/").json()["recommendation"]
    assert (summary["target_release"], summary["fit"], summary["downgrade"]) == ("17.12.4", "too_small", False)
    listed = api_as(engineer).get("/api/v1/devices/?fit=too_small").json()["results"]
    assert [d["hostname"] for d in listed] == ["small"]
