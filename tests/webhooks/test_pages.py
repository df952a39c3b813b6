"""The webhooks pages and the admin: administrators only, the secret never rendered, refusals as form errors."""

from __future__ import annotations

import pytest

from tests.webhooks.conftest import SECRET
from webhooks import services
from webhooks.choices import DeliveryState
from webhooks.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db

FORM = {"name": "chatops", "url": "http://127.0.0.1:9/hook", "secret": SECRET, "events": ["download.failed"]}


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def _webhook(**fields) -> Webhook:
    values = {"name": "chatops", "url": "http://127.0.0.1:9/hook", "secret": SECRET, "events": ["download.failed"]}
    values.update(fields)
    return services.webhook_create(**values)


def test_administrator_registers_a_webhook_on_the_page(admin_client, allowed):
    answer = admin_client.post("/webhooks/", {**FORM, "enabled": "on"})
    webhook = Webhook.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/webhooks/{webhook.pk}/"
    assert webhook.secret == SECRET and webhook.enabled and webhook.events == ["download.failed"]
    page = admin_client.get(answer["Location"]).content.decode()
    assert "chatops" in page and SECRET not in page
    assert SECRET not in admin_client.get("/webhooks/").content.decode()


def test_a_refused_target_is_a_form_error_naming_the_variable(admin_client, settings):
    settings.PORTAL_ALLOWED_WEBHOOK_HOSTS = ["hooks.example.net"]
    answer = admin_client.post("/webhooks/", FORM)
    assert answer.status_code == 400 and not Webhook.objects.exists()
    assert "PORTAL_ALLOWED_WEBHOOK_HOSTS" in str(answer.context["form"].errors["url"])
    assert SECRET not in answer.content.decode()  # the typed secret is not sent back either


def test_editing_keeps_the_secret_when_left_empty(admin_client, allowed):
    webhook = _webhook()
    form = {"name": "chatops", "url": webhook.url, "secret": "", "events": ["download.stored", "catalog.changed"]}
    answer = admin_client.post(f"/webhooks/{webhook.pk}/", form)
    assert answer.status_code == 302
    webhook.refresh_from_db()
    assert webhook.secret == SECRET and webhook.events == ["download.stored", "catalog.changed"]
    assert not webhook.enabled  # the box was not ticked


@pytest.mark.parametrize("role", ["engineer", "officer"])
def test_other_roles_get_403_and_no_link(client, request, role, allowed):
    webhook = _webhook()
    client.force_login(request.getfixturevalue(role))
    for path in ("/webhooks/", f"/webhooks/{webhook.pk}/", "/webhooks/deliveries/"):
        assert client.get(path).status_code == 403
    assert client.post("/webhooks/", FORM).status_code == 403
    assert client.post(f"/webhooks/{webhook.pk}/delete/").status_code == 403
    assert 'href="/webhooks/"' not in client.get("/").content.decode()


def test_the_navigation_shows_administrators_the_webhooks(admin_client):
    assert 'href="/webhooks/"' in admin_client.get("/").content.decode()


def test_send_test_and_delete_from_the_page(admin_client, allowed, django_capture_on_commit_callbacks):
    webhook = _webhook()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert admin_client.post(f"/webhooks/{webhook.pk}/test/").status_code == 302
    assert len(queued) == 1 and WebhookDelivery.objects.get().event == "webhook.test"
    assert admin_client.post(f"/webhooks/{webhook.pk}/delete/").status_code == 302
    assert not Webhook.objects.exists() and WebhookDelivery.objects.get().webhook_name == "chatops"


def test_the_delivery_log_page_shows_event_status_attempts_and_error(
    admin_client, allowed, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    webhook = _webhook()
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(3):
            services.webhook_test_send(webhook=webhook)
    WebhookDelivery.objects.filter(pk=WebhookDelivery.objects.order_by("pk").first().pk).update(
        state=DeliveryState.FAILED, status_code=502, attempts=6, last_error="HTTP 502: <b>bad gateway</b>"
    )
    admin_client.get("/webhooks/deliveries/")  # the first request fills the shared cache (permissions, roles)
    with django_assert_max_num_queries(12):
        page = admin_client.get("/webhooks/deliveries/").content.decode()
    assert page.count("webhook.test</code>") == 3
    assert ">502<" in page and ">6<" in page and "&lt;b&gt;bad gateway&lt;/b&gt;" in page
    failed = admin_client.get("/webhooks/deliveries/?state=failed").content.decode()
    assert failed.count('id="delivery-') == 1
    detail = admin_client.get(f"/webhooks/deliveries/{WebhookDelivery.objects.order_by('pk').first().pk}/")
    assert "&quot;event&quot;: &quot;webhook.test&quot;" in detail.content.decode()


def test_admin_masks_the_secret_and_applies_the_same_rules(admin_client, settings):
    settings.PORTAL_ALLOWED_WEBHOOK_HOSTS = ["127.0.0.1"]
    webhook = _webhook()
    page = admin_client.get(f"/admin/webhooks/webhook/{webhook.pk}/change/").content.decode()
    assert "chatops" in page and SECRET not in page
    form = {"name": "chatops", "url": "http://10.9.9.9/x", "secret": "", "events": ["download.failed"]}
    answer = admin_client.post(f"/admin/webhooks/webhook/{webhook.pk}/change/", form)
    assert answer.status_code == 200 and "PORTAL_ALLOWED_WEBHOOK_HOSTS" in answer.content.decode()
    form["url"] = "http://127.0.0.1:8/y"
    assert admin_client.post(f"/admin/webhooks/webhook/{webhook.pk}/change/", form).status_code == 302
    webhook.refresh_from_db()
    assert webhook.url == "http://127.0.0.1:8/y" and webhook.secret == SECRET and not webhook.enabled
    add = {"name": "new", "url": "http://127.0.0.1:7/z", "secret": "short", "events": ["catalog.changed"]}
    assert admin_client.post("/admin/webhooks/webhook/add/", add).status_code == 200
    add["secret"] = SECRET + "-new"
    assert admin_client.post("/admin/webhooks/webhook/add/", add).status_code == 302
    created = Webhook.objects.get(name="new")
    assert created.secret == SECRET + "-new" and created.created_by.username == "adm"


def test_the_webhook_list_page_queries_do_not_grow_with_rows(admin_client, allowed, django_assert_max_num_queries):
    for n in range(6):
        _webhook(name=f"hook-{n}")
    admin_client.get("/webhooks/")  # the first request fills the shared cache (permissions, roles)
    with django_assert_max_num_queries(12):
        page = admin_client.get("/webhooks/").content.decode()
    assert page.count('id="webhook-') == 6 + 1  # six rows and the create form
