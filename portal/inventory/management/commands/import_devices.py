"""python manage.py import_devices FILE [--skip-invalid]: import devices from CSV (see the README for columns)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.inventory.services.fields import COLUMNS
from portal.inventory.services.imports import ImportFileError, devices_import_csv


class Command(BaseCommand):
    help = (
        f"Import devices from a CSV file (columns: {', '.join(COLUMNS)}). Known hostnames are updated. A file with "
        "a bad row is refused whole, every problem listed by row and column, unless --skip-invalid is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file ('-' reads standard input)")
        parser.add_argument("--skip-invalid", action="store_true", help="import the valid rows, skip the others")

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"{done}/{total} rows")
        self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["file"]
        try:
            data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {source}: {exc.strerror}") from None
        try:
            result = devices_import_csv(file=data, skip_invalid=options["skip_invalid"], progress=self._progress)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        for error in result.errors:
            self.stderr.write(str(error))
        if not result.imported:
            self.stderr.write(result.summary + " Fix the rows above, or use --skip-invalid.")
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(result.summary))
