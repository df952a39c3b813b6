"""python manage.py demo_inventory [--force]: the quick start's demo fleet, and a catalog refresh for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from portal.catalog.choices import RefreshTrigger
from portal.catalog.services.refresh import catalog_refresh_start
from portal.inventory.models import Device
from portal.inventory.services.imports import devices_import_csv

DEMO_CSV = Path(__file__).resolve().parents[2] / "demo" / "devices.csv"


class Command(BaseCommand):
    help = (
        "Load a small demo fleet (18 devices over the simulator's default catalog) when the inventory is empty, "
        "and queue a catalog refresh for it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="load (update) the demo devices even if others exist")

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if Device.objects.exists() and not force:
            self.stdout.write("The inventory has devices already; demo devices not loaded (use --force).")
            return
        result = devices_import_csv(file=DEMO_CSV.read_bytes(), skip_invalid=False)
        self.stdout.write(result.summary)
        refresh, _ = catalog_refresh_start(trigger=RefreshTrigger.COMMAND)
        self.stdout.write(f"Catalog refresh #{refresh.pk} queued for {refresh.pairs_total} (PID, release) pairs.")
