"""The web workers' garbage collection (portal.core.collector): a request's cyclic garbage is freed once its
response is written, not by a collection in the middle of a later request."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest
from django.core.signals import request_finished

from portal.core.collector import collect_young

pytestmark = pytest.mark.django_db


@pytest.fixture
def collections():
    """The collections that run during the test (the automatic ones off: only explicit ones count)."""
    seen: list[dict] = []

    def watch(phase: str, info: dict) -> None:
        if phase == "stop":
            seen.append(info)

    gc.collect()
    gc.disable()
    gc.callbacks.append(watch)
    try:
        yield seen
    finally:
        gc.callbacks.remove(watch)
        gc.enable()


def test_a_pages_cyclic_garbage_is_freed_when_its_response_is_written(client, engineer, collections):
    client.force_login(engineer)
    client.get("/devices/")
    assert collections == []  # nothing collects without the worker's hook
    gc.collect()  # that page's garbage: not counted below
    collections.clear()
    request_finished.connect(collect_young, dispatch_uid="test-collect-young")
    try:
        client.get("/devices/")  # a rendered page: Django's template context is a reference cycle
    finally:
        request_finished.disconnect(dispatch_uid="test-collect-young")
    assert [info["generation"] for info in collections] == [0]
    assert collections[0]["collected"] > 0  # the page's context and what it held, freed right away


def test_the_wsgi_entry_point_tunes_the_collector():
    """gunicorn's entry point applies the worker's settings (imported in a process of its own: it freezes and
    retunes the collector of whatever imports it)."""
    script = (
        "import gc, portal.wsgi; from django.core.signals import request_finished as done; "
        "from portal.core.collector import collect_young; "
        "print(gc.get_threshold(), gc.get_freeze_count() > 0, collect_young in [r[1]() for r in done.receivers])"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "(50000, 20, 100) True True"
