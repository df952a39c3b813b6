"""An administrator's webhook journey in a real browser: register a target on the page, send a test, read the
delivery in the log (a real worker, a real receiver on loopback, Chromium)."""

from __future__ import annotations

import pytest

from tests.waiting import wait_for
from tests.webhooks.conftest import SECRET, WORKER_ENV, Receiver
from webhooks.models import Webhook, WebhookDelivery

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def test_administrator_registers_a_webhook_sends_a_test_and_reads_the_log(
    page, login, administrator, engineer, receiver, settings, start_worker
):
    settings.PORTAL_ALLOWED_WEBHOOK_HOSTS = ["127.0.0.1"]
    worker = start_worker(**WORKER_ENV)
    receiver.script = [503]  # the first attempt fails: the log shows the second one's success
    login("adm", "pw-adm")
    page.click("nav >> text=Webhooks")
    page.wait_for_url("**/webhooks/")

    page.fill("#webhook-create-form #id_name", "chatops")
    page.fill("#webhook-create-form #id_url", "http://10.0.0.9/hook")  # not allowed: the form says why
    page.fill("#webhook-create-form #id_secret", SECRET)
    page.check("#webhook-create-form input[value='download.failed']")
    page.click("#webhook-create-form button[type=submit]")
    assert "PORTAL_ALLOWED_WEBHOOK_HOSTS" in page.locator("#webhook-create-form").inner_text()
    assert not Webhook.objects.exists()

    page.fill("#webhook-create-form #id_url", receiver.url)
    page.fill("#webhook-create-form #id_secret", SECRET)  # a password field is never filled in again
    page.click("#webhook-create-form button[type=submit]")
    page.wait_for_url("**/webhooks/*/")
    webhook = Webhook.objects.get()
    assert SECRET not in page.content() and webhook.events == ["download.failed"]

    page.click("#webhook-test")
    delivery = wait_for(lambda: WebhookDelivery.objects.filter(state="delivered").first(), "the test", worker=worker)
    assert delivery.attempts == 2 and receiver.received[-1].signed_with(SECRET)
    page.click("text=All deliveries of this webhook")
    row = page.locator(f"#delivery-{delivery.pk}")
    assert "webhook.test" in row.inner_text() and "Delivered" in row.inner_text()
    assert row.locator(".status-code").inner_text() == "200" and row.locator(".attempts").inner_text() == "2"
    assert "HTTP 503" in row.locator(".last-error").inner_text()
