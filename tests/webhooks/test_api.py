"""The webhooks API: administrators only, targets checked against PORTAL_ALLOWED_WEBHOOK_HOSTS, secrets write-only."""

from __future__ import annotations

import json

import pytest

from tests.webhooks.conftest import SECRET
from webhooks.choices import DeliveryState, WebhookEvent
from webhooks.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hooks/depot"


def _create(client, **overrides):
    body = {"name": "awx", "payload_url": URL, "secret": SECRET, "events": ["download.stored", "download.failed"]}
    body.update(overrides)
    return client.post("/api/v1/webhooks/", body, format="json")


def test_administrator_registers_a_webhook_and_its_secret_is_never_answered(api_as, administrator, allowed):
    client = api_as(administrator)
    answer = _create(client)
    assert answer.status_code == 201, answer.content
    assert answer.data["events"] == ["download.stored", "download.failed"]
    assert answer.data["enabled"] is True and answer.data["created_by"] == "adm"
    webhook = Webhook.objects.get(pk=answer.data["id"])
    assert webhook.secret == SECRET
    for response in (answer, client.get("/api/v1/webhooks/"), client.get(f"/api/v1/webhooks/{webhook.pk}/")):
        assert SECRET not in response.content.decode()
        assert "secret" not in response.content.decode()


@pytest.mark.parametrize("role", ["engineer", "officer", "nobody"])
def test_other_roles_can_neither_register_nor_read_webhooks(api_as, request, role, allowed):
    client = api_as(request.getfixturevalue(role))
    assert _create(client).status_code == 403
    assert client.get("/api/v1/webhooks/").status_code == 403
    assert client.get("/api/v1/webhooks/deliveries/").status_code == 403
    assert not Webhook.objects.exists()


def test_a_target_outside_the_allow_list_is_refused_with_a_400_naming_the_variable(api_as, administrator, settings):
    settings.PORTAL_ALLOWED_WEBHOOK_HOSTS = ["hooks.example.net"]
    answer = _create(api_as(administrator), payload_url="https://10.0.0.7/hooks")
    assert answer.status_code == 400
    assert answer.data["code"] == "invalid_input"
    assert "PORTAL_ALLOWED_WEBHOOK_HOSTS" in answer.data["message"]
    assert "PORTAL_ALLOWED_WEBHOOK_HOSTS" in answer.data["fields"]["payload_url"][0]
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://hooks.example.net/x", "https required"),  # wildcard entries need https, as for downloads
        ("https://user:pw@hooks.example.net/x", "user-info"),
        ("ftp://hooks.example.net/x", "scheme"),
        ("https://example.net/x", "not in PORTAL_ALLOWED_WEBHOOK_HOSTS"),
        ("https://169.254.169.254/latest", "not in PORTAL_ALLOWED_WEBHOOK_HOSTS"),
    ],
)
def test_targets_follow_the_download_host_rules(api_as, administrator, settings, url, why):
    settings.PORTAL_ALLOWED_WEBHOOK_HOSTS = ["*.example.net"]
    answer = _create(api_as(administrator), payload_url=url)
    assert answer.status_code == 400 and why in answer.data["fields"]["payload_url"][0]


def test_wildcard_entries_allow_https_subdomains(api_as, administrator, settings):
    settings.PORTAL_ALLOWED_WEBHOOK_HOSTS = ["*.example.net"]
    assert _create(api_as(administrator), payload_url="https://hooks.example.net/depot").status_code == 201


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"events": ["download.stored", "download.exploded"]}, "events"),
        ({"events": []}, "events"),
        ({"secret": "short"}, "secret"),
        ({"name": ""}, "name"),
        ({"payload_url": ""}, "payload_url"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_saved(api_as, administrator, allowed, overrides, field):
    answer = _create(api_as(administrator), **overrides)
    assert answer.status_code == 400, answer.content
    assert answer.data["code"] == "invalid_input" and field in answer.data["fields"]
    assert not Webhook.objects.exists()


def test_names_are_unique_whatever_the_case(api_as, administrator, allowed):
    client = api_as(administrator)
    assert _create(client).status_code == 201
    answer = _create(client, name="AWX")
    assert answer.status_code == 400 and "exists" in answer.data["fields"]["name"][0]


def test_edit_keeps_the_secret_unless_a_new_one_is_given_and_disabling_cancels_pending(
    api_as, administrator, allowed, django_capture_on_commit_callbacks
):
    client = api_as(administrator)
    webhook_id = _create(client).data["id"]
    answer = client.patch(f"/api/v1/webhooks/{webhook_id}/", {"events": ["catalog.changed"]}, format="json")
    assert answer.status_code == 200 and answer.data["events"] == ["catalog.changed"]
    assert Webhook.objects.get(pk=webhook_id).secret == SECRET
    new_secret = "another-secret-of-enough-length"
    assert client.patch(f"/api/v1/webhooks/{webhook_id}/", {"secret": new_secret}, format="json").status_code == 200
    assert Webhook.objects.get(pk=webhook_id).secret == new_secret

    with django_capture_on_commit_callbacks(execute=False):
        pending = client.post(f"/api/v1/webhooks/{webhook_id}/test/").data["id"]
    answer = client.patch(f"/api/v1/webhooks/{webhook_id}/", {"enabled": False}, format="json")
    assert answer.status_code == 200 and answer.data["enabled"] is False
    assert WebhookDelivery.objects.get(pk=pending).state == DeliveryState.CANCELLED

    put = {"name": "awx-2", "payload_url": URL, "events": ["download.failed"], "enabled": True}
    answer = client.put(f"/api/v1/webhooks/{webhook_id}/", put, format="json")
    assert answer.status_code == 200 and answer.data["name"] == "awx-2"
    assert Webhook.objects.get(pk=webhook_id).secret == new_secret


def test_an_edit_to_a_refused_host_changes_nothing(api_as, administrator, allowed):
    client = api_as(administrator)
    webhook_id = _create(client).data["id"]
    answer = client.patch(
        f"/api/v1/webhooks/{webhook_id}/", {"payload_url": "http://10.1.1.1/x", "name": "renamed"}, format="json"
    )
    assert answer.status_code == 400 and "PORTAL_ALLOWED_WEBHOOK_HOSTS" in answer.data["message"]
    webhook = Webhook.objects.get(pk=webhook_id)
    assert webhook.url == URL and webhook.name == "awx"


def test_delete_keeps_the_log_and_cancels_what_was_not_sent(
    api_as, administrator, allowed, django_capture_on_commit_callbacks
):
    client = api_as(administrator)
    webhook_id = _create(client).data["id"]
    with django_capture_on_commit_callbacks(execute=False):
        delivery_id = client.post(f"/api/v1/webhooks/{webhook_id}/test/").data["id"]
    assert client.delete(f"/api/v1/webhooks/{webhook_id}/").status_code == 204
    delivery = client.get(f"/api/v1/webhooks/deliveries/{delivery_id}/").data
    assert delivery["webhook"] is None and delivery["webhook_name"] == "awx"
    assert delivery["state"] == DeliveryState.CANCELLED and "deleted" in delivery["last_error"]


def test_send_test_answers_202_with_a_pending_delivery_of_the_webhook_itself(
    api_as, administrator, allowed, django_capture_on_commit_callbacks
):
    client = api_as(administrator)
    webhook_id = _create(client).data["id"]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        answer = client.post(f"/api/v1/webhooks/{webhook_id}/test/")
    assert answer.status_code == 202 and answer.data["state"] == DeliveryState.PENDING
    assert answer.data["event"] == "webhook.test" and len(queued) == 1
    detail = client.get(f"/api/v1/webhooks/deliveries/{answer.data['id']}/").data
    body = json.loads(detail["body"])
    assert set(body) == {"event", "occurred_at", "data"}
    assert body["data"]["id"] == webhook_id and body["data"]["payload_url"] == URL and "secret" not in body["data"]
    assert SECRET not in detail["body"]


def test_delivery_log_filters_and_counts_queries(
    api_as, administrator, allowed, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client = api_as(administrator)
    webhook_id = _create(client).data["id"]
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(5):
            client.post(f"/api/v1/webhooks/{webhook_id}/test/")
    WebhookDelivery.objects.filter(pk=WebhookDelivery.objects.order_by("pk").first().pk).update(
        state=DeliveryState.FAILED, status_code=500, attempts=6, last_error="HTTP 500"
    )
    with django_assert_max_num_queries(10):  # auth, throttle (cache) and permissions take most; rows add none
        answer = client.get("/api/v1/webhooks/deliveries/")
    assert answer.data["count"] == 5 and "body" not in answer.data["results"][0]
    failed = client.get("/api/v1/webhooks/deliveries/?state=failed").data
    assert failed["count"] == 1 and failed["results"][0]["status_code"] == 500
    assert failed["results"][0]["attempts"] == 6 and failed["results"][0]["last_error"] == "HTTP 500"
    assert client.get(f"/api/v1/webhooks/deliveries/?webhook={webhook_id}&event=webhook.test").data["count"] == 5
    assert client.get("/api/v1/webhooks/deliveries/?event=download.stored").data["count"] == 0


def test_every_event_the_issue_names_can_be_subscribed(api_as, administrator, allowed):
    wanted = ["download.stored", "download.failed", "compliance.waiting", "compliance.decided", "catalog.changed"]
    assert set(wanted) <= set(WebhookEvent.values)
    answer = _create(api_as(administrator), events=wanted)
    assert answer.status_code == 201 and answer.data["events"] == wanted


def test_the_schema_documents_the_webhook_endpoints(api_as, administrator):
    schema = api_as(administrator).get("/api/schema/?format=json").json()
    assert {"/api/v1/webhooks/", "/api/v1/webhooks/{id}/test/", "/api/v1/webhooks/deliveries/"} <= set(schema["paths"])
    create = schema["components"]["schemas"]["WebhookRequest"]
    assert create["properties"]["secret"]["writeOnly"] is True
    assert "secret" not in schema["components"]["schemas"]["Webhook"]["properties"]


def test_redeliver_queues_the_same_body_as_a_new_delivery(
    api_as, administrator, allowed, django_capture_on_commit_callbacks
):
    client = api_as(administrator)
    webhook_id = _create(client).data["id"]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = client.post(f"/api/v1/webhooks/{webhook_id}/test/").data["id"]
        again = client.post(f"/api/v1/webhooks/deliveries/{first}/redeliver/")
    assert again.status_code == 202 and again.data["id"] != first and len(queued) == 2
    bodies = WebhookDelivery.objects.filter(pk__in=[first, again.data["id"]]).values_list("body", flat=True)
    assert len(set(bodies)) == 1
    client.delete(f"/api/v1/webhooks/{webhook_id}/")
    gone = client.post(f"/api/v1/webhooks/deliveries/{first}/redeliver/")
    assert gone.status_code == 409 and gone.data["code"] == "webhook_deleted"


def test_webhook_list_queries_do_not_grow_with_rows(api_as, administrator, allowed, django_assert_max_num_queries):
    client = api_as(administrator)
    for n in range(6):
        assert _create(client, name=f"hook-{n}").status_code == 201
    with django_assert_max_num_queries(10):
        answer = client.get("/api/v1/webhooks/")
    assert answer.data["count"] == 6
