"""/healthz, the OpenAPI schema, and the Celery round trip through a real worker process."""

from __future__ import annotations

import time
import uuid

import pytest
from django.core.cache import cache
from django.core.management import call_command

from portal.core.tasks import echo_task


@pytest.mark.django_db
def test_healthz_ok_when_everything_works(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["failing"] == []
    gates = {name for name, check in body["checks"].items() if check["gate"]}
    assert gates == {"database", "broker", "storage"}
    assert all(body["checks"][name]["ok"] for name in gates)
    assert {"upstream", "upstream_token", "catalog_refresh"} <= set(body["checks"])


@pytest.mark.django_db
def test_healthz_503_names_the_broker_when_it_is_down(client, settings):
    # Nothing listens on port 1: the broker is down.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_503_names_storage_when_it_is_not_writable(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.PORTAL_STORAGE_DIR = blocker / "storage"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]


def test_openapi_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/me" in text and "openapi: 3" in text


@pytest.mark.django_db(transaction=True)
def test_celery_round_trip_through_a_real_worker_process(celery_worker):
    nonce = uuid.uuid4().hex
    echo_task.delay(nonce)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and cache.get(f"core:echo:{nonce}") is None:
        time.sleep(0.2)
    assert cache.get(f"core:echo:{nonce}") is not None, celery_worker.output()
    assert "portal.core.tasks.echo[" in celery_worker.output()
