"""seed_fleet: a realistic synthetic fleet over the catalog, written in bulk, with recommendations."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from portal.catalog.models import Image, Product, Recommendation, StandardRelease
from portal.cisco.versionkey import release_sort_key
from portal.inventory.models import Device

pytestmark = pytest.mark.django_db


def test_seed_fleet_with_a_synthetic_catalog():
    out = io.StringIO()
    call_command("seed_fleet", "--devices", "600", "--images", "800", "--seed", "3", stdout=out)
    assert Device.objects.count() == 600
    assert 700 <= Image.objects.count() <= 800
    assert Recommendation.objects.count() == 600
    assert StandardRelease.objects.exists()
    assert "600 devices added" in out.getvalue()
    device = Device.objects.order_by("?").first()
    assert device.release_key == release_sort_key(device.current_release)
    assert Product.objects.filter(pid=device.pid, releases__version=device.current_release).exists()
    # Skewed like a real network: the most common PID is well above the average.
    counts = list(Device.objects.values("pid").annotate(n=Count("id")).order_by("-n").values_list("n", flat=True))
    assert counts[0] > 600 / len(counts) * 2
    assert Device.objects.filter(tags__isnull=False).exists()
    assert Recommendation.objects.filter(upgrade_available=True).exists()
    assert Recommendation.objects.filter(on_standard=True).exists()  # some of the fleet already runs its standard


def test_seed_again_adds_devices_over_the_existing_catalog():
    call_command("seed_fleet", "--devices", "100", "--images", "200", stdout=io.StringIO())
    images = Image.objects.count()
    call_command("seed_fleet", "--devices", "150", stdout=io.StringIO())
    assert Device.objects.count() == 250 and Image.objects.count() == images
    call_command("seed_fleet", "--devices", "50", "--clear", stdout=io.StringIO())
    assert Device.objects.count() == 50


def test_negative_counts_are_refused():
    with pytest.raises(CommandError):
        call_command("seed_fleet", "--devices", "-1", stdout=io.StringIO())
