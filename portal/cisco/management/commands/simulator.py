"""``python manage.py simulator --port 8001``: run the ASD API v4.0 simulator (same options as
``python -m portal.cisco.simulator``), or ``--generate-catalog N --out FILE`` to write a catalog of N PIDs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.cisco.simulator.catalog import CatalogError
from portal.cisco.simulator.cli import DESCRIPTION, add_arguments, config_from_options, generate_catalog, run


class Command(BaseCommand):
    """Run the simulator, or generate a catalog for benchmarks."""

    help = DESCRIPTION
    requires_system_checks: list[str] = []  # the simulator needs neither the database nor the apps' checks

    def add_arguments(self, parser: CommandParser) -> None:
        """The simulator's options plus catalog generation."""
        add_arguments(parser)
        parser.add_argument("--generate-catalog", type=int, metavar="N", help="write a catalog of N PIDs and exit")
        parser.add_argument("--out", type=Path, help="where --generate-catalog writes the catalog")
        parser.add_argument("--seed", type=int, default=0, help="seed of --generate-catalog (default 0)")
        parser.add_argument("--image-size", type=int, default=None, help="give every generated image this size")

    def handle(self, *args: Any, **options: Any) -> None:
        """Generate a catalog, or serve until interrupted."""
        if options.get("generate_catalog") is not None:
            self._generate(options)
            return
        try:
            run(config_from_options(options), out=self.stdout)
        except CatalogError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot listen on {options['host']}:{options['port']}: {exc}") from exc

    def _generate(self, options: dict[str, Any]) -> None:
        count, out = options["generate_catalog"], options.get("out")
        if count < 1:
            raise CommandError("--generate-catalog needs a positive number of PIDs")
        if out is None:
            raise CommandError("--generate-catalog needs --out FILE")
        catalog = generate_catalog(count, out, seed=options["seed"], image_size=options["image_size"])
        self.stdout.write(f"wrote {out}: {len(catalog.get('products', []))} PIDs")
