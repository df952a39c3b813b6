"""Golden images by family in a real browser: with the catalog fetched from the simulator over HTTP, an engineer
adds a standard for the Catalyst 9300 image family at one site on the standards page, and a device of another
C9300 model at that site shows it applied, with where it comes from; a device elsewhere keeps its own target."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.catalog.services.refresh import catalog_refresh_run_inline, catalog_refresh_start
from tests.factories_inventory import save_device

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_engineer_sets_a_family_standard_and_sees_it_on_a_device(page, login, engineer, upstream):
    munich = save_device(hostname="muc-acc-01", pid="C9300-48U", current_release="17.3.8a", site="Munich",
                         memory_mb="8192", flash_mb="16384")  # fmt: skip
    berlin = save_device(hostname="ber-acc-01", pid="C9300-24P", current_release="17.3.8a", site="Berlin")
    refresh, _ = catalog_refresh_start(enqueue=False)
    catalog_refresh_run_inline(refresh_id=refresh.pk)
    login("eng", "pw-eng")

    page.goto(f"/devices/{munich.pk}/")
    expect(page.locator("#target-release")).to_have_text("17.12.4")  # the newest suggested, before any standard

    page.goto("/catalog/standards/")
    form = page.locator("#standard-add")
    form.get_by_label("An image family").check()
    form.locator("select[name=family]").select_option(label="Catalyst 9300 family (cat9k_iosxe, 2 PIDs)")
    form.locator("input[name=version]").fill("17.09.05")
    form.locator("input[name=site]").fill("Munich")
    form.locator("input[name=note]").fill("golden for the Munich rollout")
    form.locator("#standard-add-submit").click()
    expect(page.locator(".messages")).to_contain_text(
        "17.9.5 is now the standard for Catalyst 9300 family, site Munich."
    )
    expect(page.locator('tr.standard[data-scope="Catalyst 9300 family, site Munich"]')).to_contain_text("17.9.5")

    page.goto(f"/devices/{munich.pk}/")
    expect(page.locator("#target-release")).to_have_text("17.9.5")
    expect(page.locator("#standard-scope")).to_have_text("Standard for Catalyst 9300 family, site Munich")
    expect(page.locator("#recommendation-reason")).to_have_text(
        "The standard for Catalyst 9300 family, site Munich is 17.9.5; running 17.3.8a: an upgrade."
    )
    expect(page.locator("#fit")).to_have_text("Fits (needs DRAM ≥ 8 GB, flash ≥ 16 GB).")
    page.locator("#standards-matching summary").click()
    expect(page.locator("#standards-matching li")).to_have_text(
        "17.9.5 — standard for Catalyst 9300 family, site Munich applies"
    )

    page.goto(f"/devices/{berlin.pk}/")
    expect(page.locator("#target-release")).to_have_text("17.12.4")
    expect(page.locator("#standard-scope")).to_have_count(0)
