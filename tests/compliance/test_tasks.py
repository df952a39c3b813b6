"""The periodic form refresh: scheduled hourly, stores new versions, survives an upstream outage."""

from __future__ import annotations

import pytest

from compliance.models import FormSnapshot
from compliance.tasks import form_snapshots_refresh_task
from portal.celery import app

pytestmark = pytest.mark.django_db


def test_the_refresh_is_in_beats_schedule():
    app.finalize()
    entry = app.conf.beat_schedule["compliance-forms-refresh"]
    assert entry["task"] == form_snapshots_refresh_task.name


def test_the_refresh_task_stores_both_forms(upstream):
    result = form_snapshots_refresh_task.run()
    assert set(result) == {"k9", "eula"} and result["k9"].startswith("v9 ")
    assert sorted(FormSnapshot.objects.values_list("kind", flat=True)) == ["eula", "k9"]


def test_the_refresh_task_reports_an_outage_without_failing(upstream):
    upstream.sim.fault("compliance/", kind="status", status=503, count=50)
    result = form_snapshots_refresh_task.run(["eula"])
    assert "could not be fetched" in result["eula"] and not FormSnapshot.objects.exists()
