"""python manage.py seed_fleet --devices N [--images M] [--seed S] [--clear]: a realistic synthetic fleet."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.catalog.models import Image, Recommendation
from portal.catalog.services.seed import catalog_synthesize, fleet_seed
from portal.inventory.models import Device
from portal.inventory.services.devices import devices_delete, table_statistics_refresh


class Command(BaseCommand):
    help = (
        "Add N synthetic devices over the products of the catalog (skewed towards a few PIDs, older releases, "
        "sites and roles), then compute their recommendations. With --images M (or an empty catalog) a synthetic "
        "catalog of about M images is written first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--devices", type=int, required=True, help="how many devices to add")
        parser.add_argument("--images", type=int, default=0, help="first write a synthetic catalog of ~M images")
        parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same fleet)")
        parser.add_argument("--clear", action="store_true", help="delete every device first")
        parser.add_argument("--standards", type=float, default=0.3, help="share of PIDs given a standard")

    def _progress(self, what: str, done: int, total: int) -> None:
        self.stdout.write(f"\r{what}: {done}/{total}", ending="")
        self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        if options["devices"] < 0 or options["images"] < 0:
            raise CommandError("--devices and --images must not be negative")
        start = time.monotonic()
        if options["clear"]:
            devices_delete()
        images = options["images"]
        if not images and not Image.objects.exists():
            images = max(1000, options["devices"] // 2)
            self.stdout.write(f"The catalog is empty: writing a synthetic one of about {images} images.")
        if images:
            made = catalog_synthesize(images=images, seed=options["seed"], progress=self._progress)
            self.stdout.write(f"\ncatalog: {made} images")
        offset = Device.objects.count()
        try:
            added = fleet_seed(
                devices=options["devices"],
                seed=options["seed"] + offset,
                standards=options["standards"],
                progress=self._progress,
                start=offset,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        count = Recommendation.objects.count()  # computed as the devices were announced
        table_statistics_refresh()
        self.stdout.write(
            self.style.SUCCESS(f"\n{added} devices added, {count} recommendations in {time.monotonic() - start:.1f} s")
        )
