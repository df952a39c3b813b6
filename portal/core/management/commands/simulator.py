"""``python manage.py simulator --port 8001``: run the ASD API v4.0 simulator (same options as
``python -m portal.cisco.simulator``), or ``--generate-catalog N --out FILE`` to write a catalog of N PIDs.

It lives here, not in portal/cisco, because Depot's client side never imports the simulator: the simulator is
the other side of the wire, and a stand-alone program (``portal/cisco/simulator/cli.py`` is its command line).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.cisco.simulator.catalog import CatalogError
from portal.cisco.simulator.cli import DESCRIPTION, add_arguments, config_from_options, generate_catalog, run


class Command(BaseCommand):
    """Run the simulator, or generate a catalog for benchmarks."""

    help = DESCRIPTION
    requires_system_checks: list[str] = []  # the simulator needs neither the database nor the apps' checks

    def add_arguments(self, parser: CommandParser) -> None:
        """The simulator's own options (serving and catalog generation)."""
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        """Generate a catalog, or serve until interrupted."""
        try:
            if options.get("generate_catalog") is not None:
                self.stdout.write(generate_catalog(options))
            else:
                run(config_from_options(options), out=self.stdout)
        except CatalogError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot listen on {options['host']}:{options['port']}: {exc}") from exc
