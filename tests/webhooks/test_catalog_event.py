"""catalog.changed end to end: the catalog's own refresh against the simulator (its default catalog) finds a
newly suggested release and a newly PSIRT-flagged one that devices run; a real worker delivers the event."""

from __future__ import annotations

import pytest

from portal.catalog.models import Release
from portal.catalog.services.refresh import catalog_refresh_run_inline, catalog_refresh_start
from tests.factories_inventory import DeviceFactory
from tests.waiting import wait_for
from tests.webhooks.conftest import SECRET, wait_delivery
from webhooks import services
from webhooks.choices import DeliveryState
from webhooks.models import WebhookDelivery

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_catalog_changed_reaches_the_receiver_after_a_refresh(upstream, hook_worker, receiver, allowed):
    services.webhook_create(name="bot", url=receiver.url, secret=SECRET, events=["catalog.changed"])
    DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    DeviceFactory(pid="C9300-24P", current_release="17.9.4")  # PSIRT-flagged upstream

    def refresh() -> None:
        run, _ = catalog_refresh_start(enqueue=False)
        catalog_refresh_run_inline(refresh_id=run.pk)

    refresh()  # the first answer has nothing to compare with: no event
    # What an older answer would have left: 17.12.4 not yet suggested, 17.9.4 clean.
    Release.objects.filter(product__pid="C9300-24P", version="17.12.4").update(is_suggested=False)
    Release.objects.filter(product__pid="C9300-24P", version="17.9.4").update(psirt=False)
    refresh()

    delivery = wait_for(lambda: WebhookDelivery.objects.filter(event="catalog.changed").first(), "the event")
    assert wait_delivery(delivery.pk, worker=hook_worker).state == DeliveryState.DELIVERED
    [got] = receiver.received
    assert got.signed_with(SECRET) and got.headers["X-Depot-Event"] == "catalog.changed"
    data = got.json()["data"]
    assert data["pid"] == "C9300-24P" and data["product"]["pid"] == "C9300-24P"
    assert {"kind": "suggested", "release": "17.12.4"} in data["changes"]
    assert {"kind": "psirt", "release": "17.9.4"} in data["changes"]
