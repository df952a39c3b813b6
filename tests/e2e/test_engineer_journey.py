"""The network engineer's day in a real browser: log in, import a CSV, refresh the catalog (a real worker against
the simulator over HTTP, progress polled by htmx), open a device, read its releases in Cisco order with the
recommendation, mark a standard, and see the dashboard change."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CSV = b"""hostname,pid,serial,current_release,running_image,os_family,site,role,tags
ber-acc-01,C9300-24P,FCW2319L0B1,17.3.8a,cat9k_iosxe.17.03.08a.SPA.bin,IOS XE,ber1,access,pci
ber-acc-02,C9300-24P,FCW2319L0B2,17.3.8a,cat9k_iosxe.17.03.08a.SPA.bin,IOS XE,ber1,access,
lon-acc-01,C9300-24P,FCW2319L0B3,17.9.4a,cat9k_iosxe.17.09.04a.SPA.bin,IOS XE,lon1,access,
lon-acc-07,WS-C2960X-48FPD-L,FOC1932S0AB,15.2(7)E8,c2960x-universalk9-mz.152-7.E8.bin,IOS,lon1,access,
"""


def _reload_until(page, selector: str, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while text not in page.locator(selector).inner_text():
        assert time.monotonic() < deadline, f"{selector} never showed {text!r}"
        time.sleep(0.5)
        page.reload()


def _tile(page, key: str) -> int:
    return int(page.locator(f"#tile-{key} .tile-count").inner_text())


def test_engineer_imports_refreshes_reads_releases_marks_a_standard(page, login, engineer, upstream, start_worker):
    start_worker(**upstream.env)
    login("eng", "pw-eng")

    # Import a CSV through the page.
    page.goto("/devices/import/")
    page.set_input_files("input[name=file]", files=[{"name": "devices.csv", "mimeType": "text/csv", "buffer": CSV}])
    page.click("#csv-submit")
    page.wait_for_url("**/devices/?ordering=-updated")
    assert "4 created" in page.locator(".messages").inner_text()
    assert page.locator("table.devices tbody tr").count() == 4

    # Refresh the catalog: a worker asks the simulator; the bar fills while htmx polls.
    page.goto("/catalog/refresh/")
    page.click("#refresh-start")
    expect(page.locator("#refresh-state")).to_have_text("done", timeout=60_000)
    assert page.locator("#refresh-bar").get_attribute("value") == "3"  # three distinct (PID, release) pairs

    # Open a device: releases above 17.3.8a, newest first in Cisco order, with the recommendation.
    page.goto("/devices/?q=ber-acc-01")
    page.click("text=ber-acc-01")
    page.wait_for_selector("#release-table")
    # The worker recomputes recommendations right after the last pair: reload until they are there.
    _reload_until(page, "#recommendation-reason", "17.12.4")
    versions = page.eval_on_selector_all("#release-table tbody.release", "rows => rows.map(r => r.dataset.version)")
    assert versions == ["17.15.1", "17.12.4", "17.9.5", "17.9.4a", "17.9.4", "17.9.1", "17.6.7"]
    assert (
        page.locator("#recommendation-reason").inner_text() == "17.12.4 is the newest suggested release above 17.3.8a."
    )
    assert page.locator("#target-release").inner_text() == "17.12.4"
    assert "target" in page.locator('tbody.release[data-version="17.12.4"]').inner_text()

    # The dashboard before the standard.
    page.goto("/dashboard/")
    assert _tile(page, "on_standard") == 0 and _tile(page, "upgrade_available") == 4
    # Chart.js drew from the json_script data (it sizes the canvas when it renders).
    expect(page.locator("#fleet-chart")).to_have_attribute("width", re.compile(r"^[1-9][0-9]*$"))

    # Mark 17.9.4a as the standard for C9300-24P from the device's release list.
    page.go_back()
    release = page.locator('tbody.release[data-version="17.9.4a"]')
    release.locator("details.standard-form summary").click()
    release.locator("button.mark-standard").click()
    page.wait_for_selector("text=is now the standard for C9300-24P")
    reason = page.locator("#recommendation-reason").inner_text()
    assert reason == "The standard for C9300-24P is 17.9.4a; running 17.3.8a: an upgrade."

    # The dashboard changed: lon-acc-01 is on its standard, the two ber devices are not.
    page.goto("/dashboard/")
    assert _tile(page, "on_standard") == 1
    assert _tile(page, "off_standard") == 2
    assert _tile(page, "upgrade_available") == 3
    page.click("#tile-on_standard")
    page.wait_for_url("**/devices/?status=on_standard")
    assert page.locator("table.devices tbody tr").count() == 1
    assert "lon-acc-01" in page.locator("table.devices").inner_text()
