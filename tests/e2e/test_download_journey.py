"""An engineer requests an image in a real browser and watches the bar reach "stored" (htmx polling), the whole job
detail filling in without a reload, with a real worker fetching it from the simulator over HTTP; then fetches it
through a signed device link."""

from __future__ import annotations

import hashlib

import pytest
import requests
from playwright.sync_api import expect

from downloads.models import StoredImage
from tests.downloads import catalog
from tests.downloads.conftest import (  # noqa: F401 - fixtures used by this module
    clean_storage,
    dl_catalog,
    dl_sim,
    dl_upstream,
    odd_server,
    recorder,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_engineer_requests_an_image_and_watches_the_bar_reach_stored(page, login, engineer, start_worker, request):
    upstream = request.getfixturevalue("dl_upstream")
    # A bandwidth cap makes the transfer last a few seconds, so the bar is seen moving.
    start_worker(**upstream.env, PORTAL_DOWNLOAD_MAX_RATE=str(1 << 20))
    login("eng", "pw-eng")
    page.goto("/downloads/")
    page.fill("#request-pid", catalog.PID)
    page.fill("#request-image", "dl-plain.bin")
    page.click("#request-submit")
    page.wait_for_url("**/downloads/jobs/*/")

    page.evaluate("window.notReloaded = true")  # gone if anything reloads the page
    state = page.locator("#job-progress .job-state")
    expect(state).to_have_attribute("data-state", "downloading", timeout=20_000)
    bar = page.locator("#job-bar")
    expect(bar).not_to_have_attribute("value", "0", timeout=10_000)
    expect(page.locator("#job-actual-sha512")).to_have_text("—")
    expect(state).to_have_text("Stored", timeout=30_000)
    assert bar.get_attribute("value") == bar.get_attribute("max")
    assert "Stored and verified" in page.locator("#job-progress").inner_text()

    # The whole detail came with the last poll, without a reload: digests received, size, heartbeat, device link.
    want = catalog.expected("dl-plain.bin")
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("#job-actual-sha512")).to_have_text(want["sha512"])
    expect(page.locator("#job-actual-md5")).to_have_text(want["md5"])
    expect(page.locator("#job-received-size")).to_have_text(f"{want['size']} bytes")
    expect(page.locator("#job-runs")).not_to_contain_text("last heartbeat —")
    command = page.locator("#job-device-copy").inner_text()
    assert command.startswith(f"copy {page.base}/d/") and command.endswith("/dl-plain.bin flash:")
    assert page.evaluate("window.notReloaded") is True

    # The repository page hands out the same kind of link; either needs no login.
    page.click("#job-progress a[href*='/downloads/images/']")
    command = page.locator("#device-copy").inner_text()
    url = command.split()[1]
    assert command.startswith("copy http") and command.endswith("flash:")
    body = requests.get(url, timeout=30).content
    assert hashlib.sha512(body).hexdigest() == want["sha512"] == StoredImage.objects.get().sha512
