"""Depot on a phone, in real Chromium at 390 px wide: the navigation folds into a menu that still reaches "Log out",
tables scroll inside themselves so the page never scrolls sideways, and the dashboard chart keeps a readable size.

The data is what a real fleet shows, at its longest: FQDN hostnames, long PIDs, image names and checksums, an
upstream message with a long URL, so the width checks fail when a page does not contain them."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from compliance.choices import FormKind
from downloads.choices import ComplianceNeed, JobState
from portal.catalog.services.recommendations import recommendations_recompute
from portal.inventory.choices import OsFamily
from tests.factories_compliance import audit_rows_clear, snapshot
from tests.factories_downloads import DownloadJobFactory, stored_image_with_file
from tests.factories_inventory import DeviceFactory, StandardReleaseFactory, catalog_of

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LONG_HOST = "fra1-dc2-row07-rack12-c9300x-48hxn-access-stack-member-03.campus.example.net"
LONG_PID = "C9300X-48HXN-A-EDGE"
LONG_IMAGE = "cat9k_iosxe_npe_universalk9_noli.17.09.04a.SPA.bin"
CISCO_MESSAGE = (
    "Export compliance: the K9 form has not been accepted for this user. Review it at "
    "https://software.cisco.com/download/compliance/k9-form-acceptance?userId=emily-culp&mdfId=286313982"
    "&imageGuid=E4D1F6D95B3A2C7F8E9A0B1C2D3E4F5A6B7C8D9E"
)


@pytest.fixture
def phone(browser, live_server) -> Iterator:
    """A page in a 390 px wide touch screen (an iPhone 14's CSS width), with mobile viewport rules."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def fleet(engineer):
    """Devices, releases, a standard, a stored download and one held by the K9 form, with long real-world names."""
    releases = catalog_of(
        LONG_PID,
        [("17.6.7",), ("17.9.4a", "suggested"), ("17.12.4", "suggested", "psirt"), ("17.15.1",)],
        image="cat9k_iosxe_npe_universalk9_noli.{}.SPA.bin",
    )
    for release in releases.values():
        release.images.update(min_dram="8192", min_flash="16384")
    StandardReleaseFactory(release=releases["17.9.4a"], site="fra1-dc2", role="access")
    device = DeviceFactory(
        hostname=LONG_HOST,
        pid=LONG_PID,
        serial="FOC2419X0ABCDEF",
        current_release="17.6.7",
        running_image="cat9k_iosxe_npe_universalk9_noli.17.06.07.SPA.bin",
        os_family=OsFamily.IOS_XE,
        site="fra1-dc2",
        role="access",
        memory_mb=16384,
        flash_mb=11264,
        notes="Stack of 8; uplinks Te1/1/1-Te8/1/8 to fra1-dc2-dist-01.campus.example.net and -02.",
    )
    for n in range(1, 13):
        DeviceFactory(hostname=f"fra1-dc2-row{n:02d}-rack{n + 3:02d}-n9k-c93180yc-fx3-leaf.campus.example.net",
                      pid="N9K-C93180YC-FX3", current_release="10.2(5)", os_family=OsFamily.NX_OS,
                      running_image="nxos64-cs.10.2.5.M.bin", site="fra1-dc2", role="leaf")  # fmt: skip
    recommendations_recompute()
    image = stored_image_with_file(name=LONG_IMAGE, pid=LONG_PID, release_version="17.9.4a")
    stored = DownloadJobFactory(
        pid=LONG_PID,
        image_name=LONG_IMAGE,
        state=JobState.STORED,
        stored_image=image,
        requested_by=engineer,
        actual_sha512=image.sha512,
        actual_md5=image.md5,
        expected_sha512=image.sha512,
        expected_size=image.size,
        bytes_done=image.size,
        bytes_total=image.size,
        runs=1,
    )
    snapshot(FormKind.K9)
    snapshot(FormKind.EULA)
    waiting = DownloadJobFactory(
        pid=LONG_PID,
        image_name="c8000aep-universalk9_npe.17.09.04a.SPA.bin",
        state=JobState.AWAITING_COMPLIANCE,
        waiting_for=ComplianceNeed.K9,
        requested_by=engineer,
        upstream_code="K9_FORM_AR",
        upstream_message=CISCO_MESSAGE,
    )
    yield {"device": device, "stored": stored, "waiting": waiting}
    audit_rows_clear()


def log_in(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


# The elements that stick out to the right of the screen (not counting what scrolls inside a box), to say why.
OFFENDERS = """width => [...document.body.querySelectorAll("*")].filter(e => {
  const wide = e.getBoundingClientRect().right > width + 0.5 || e.scrollWidth > e.clientWidth + 1;
  if (!wide || ["auto", "scroll", "hidden"].includes(getComputedStyle(e).overflowX)) return false;
  for (let p = e.parentElement; p; p = p.parentElement) {
    if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return false;
  }
  return true;
}).slice(0, 5).map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className}: ${e.outerHTML.slice(0, 120)}`)"""


def test_every_daily_page_fits_a_phone_without_sideways_scrolling(phone, administrator, fleet):
    phone.goto("/login/")
    assert page_width(phone) <= PHONE["width"], "login"
    log_in(phone, "adm", "pw-adm")
    pages = {
        "dashboard": reverse("catalog:dashboard"),
        "device list": reverse("inventory:device-list"),
        "device page": reverse("inventory:device-detail", args=[fleet["device"].pk]),
        "job page": reverse("downloads:job-detail", args=[fleet["stored"].pk]),
        "waiting job page": reverse("downloads:job-detail", args=[fleet["waiting"].pk]),
        "compliance queue": reverse("compliance:queue"),
        "device form": reverse("inventory:device-create"),
        "device edit form": reverse("inventory:device-edit", args=[fleet["device"].pk]),
        "import": reverse("inventory:device-import"),
        "standards": reverse("catalog:standard-list"),
        "K9 form": reverse("compliance:form", args=[FormKind.K9]),
        "EULA form": reverse("compliance:form", args=[FormKind.EULA]),
        "profile": reverse("profile"),
        "password change": reverse("password_change"),
    }
    too_wide = {}
    for name, url in pages.items():
        response = phone.goto(url)
        assert response.status == 200, name
        width = page_width(phone)
        if width > PHONE["width"]:
            too_wide[name] = (width, phone.evaluate(OFFENDERS, PHONE["width"]))
    assert too_wide == {}


def test_wide_tables_scroll_inside_their_own_box(phone, administrator, fleet):
    log_in(phone, "adm", "pw-adm")
    phone.goto(reverse("inventory:device-list"))
    table = phone.locator("table.devices")
    # The table is wider than the phone (the check above could fail), and only the table scrolls.
    assert table.evaluate("t => t.scrollWidth") > PHONE["width"]
    assert table.evaluate("t => t.clientWidth") <= PHONE["width"]
    assert page_width(phone) <= PHONE["width"]
    host = phone.locator(f"table.devices >> text={LONG_HOST}")
    before = host.bounding_box()["x"]
    table.evaluate("t => { t.scrollLeft = 10000; }")
    assert table.evaluate("t => t.scrollLeft") > 0
    assert host.bounding_box()["x"] < before  # the rows moved inside the table
    assert phone.evaluate("window.scrollX") == 0  # the page did not


def test_the_menu_folds_and_still_reaches_every_link_and_log_out(phone, officer, fleet):
    log_in(phone, "off", "pw-off")
    phone.goto(reverse("compliance:queue"))
    nav_link = phone.locator("nav >> text=Audit trail")
    assert nav_link.is_visible() is False  # folded away
    menu = phone.locator("#menu > summary")
    assert menu.is_visible()
    assert phone.locator("#menu-badge").inner_text() == "1"  # what waits on the officer, visible while folded
    menu.tap()
    assert nav_link.is_visible()
    assert phone.locator("#badge-compliance-queue").inner_text() == "1"
    # A tap outside folds it again.
    phone.touchscreen.tap(PHONE["width"] // 2, PHONE["height"] - 10)
    assert nav_link.is_visible() is False
    menu.tap()
    nav_link.tap()
    phone.wait_for_url("**/compliance/audit/")
    assert nav_link.is_visible() is False  # a new page starts folded
    menu.tap()
    logout = phone.locator("#logout")
    box = logout.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    logout.tap()
    phone.wait_for_url("**/login/")
    assert phone.locator("#menu").count() == 0


def test_the_dashboard_chart_lies_down_and_keeps_a_readable_size(phone, engineer, fleet):
    log_in(phone, "eng", "pw-eng")
    assert urlsplit(phone.url).path == "/"  # the home page is the dashboard
    canvas = phone.locator("#fleet-chart")
    phone.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('fleet-chart'))")
    assert phone.evaluate("Chart.getChart(document.getElementById('fleet-chart')).options.indexAxis") == "y"
    box = canvas.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["height"] >= 250  # a desktop-shaped chart would be about 120 px tall here
    assert page_width(phone) <= PHONE["width"]


def test_on_a_desktop_the_menu_is_a_row_of_links(page, login, engineer, fleet):
    login("eng", "pw-eng")
    assert page.locator("#menu > summary").is_visible() is False
    assert page.locator("nav >> text=Devices").is_visible() and page.locator("#logout").is_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('fleet-chart'))")
    assert page.evaluate("Chart.getChart(document.getElementById('fleet-chart')).options.indexAxis") == "x"
