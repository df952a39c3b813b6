"""Device imports from CSV files and JSON rows: every problem listed by row and column, all or nothing by
default, or the good rows only when asked (``skip_invalid``). One service for the page, the API and the command.

Row numbers are those a spreadsheet shows: the header is row 1, the first device row 2. For JSON rows the first
object is row 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.template.defaultfilters import pluralize

from portal.inventory.choices import DeviceSource
from portal.inventory.services.devices import Progress, devices_known, devices_upsert
from portal.inventory.services.fields import COLUMNS, REQUIRED, DeviceInput, header_name, validate_device

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class RowError:
    """One problem: the row (as a spreadsheet numbers it), the column, and what is wrong."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}" if self.column else f"row {self.row}: {self.message}"


@dataclass(frozen=True)
class ImportResult:
    """The outcome of an import. ``imported`` is False when it was refused (nothing written)."""

    imported: bool
    rows: int
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: tuple[RowError, ...] = ()
    warnings: tuple[str, ...] = ()
    device_ids: tuple[int, ...] = field(default=(), repr=False)

    @property
    def summary(self) -> str:
        """One line for messages and the command's output."""
        problems, rows, skipped = len(self.errors), self.rows, self.skipped
        if not self.imported:
            return f"Nothing imported: {problems} problem{pluralize(problems)} in {rows} row{pluralize(rows)}."
        text = f"{self.created} created, {self.updated} updated"
        text += f", {skipped} row{pluralize(skipped)} skipped" if skipped else ""
        return f"{text} ({rows} row{pluralize(rows)})."


class ImportFileError(ValueError):
    """The file itself cannot be read as CSV (encoding, size, no header)."""


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("The file is neither UTF-8 nor Windows-1252 text.")


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def read_csv(source: bytes | str | IO[bytes] | IO[str]) -> tuple[list[str], list[dict[str, str]], list[str]]:
    """(columns, rows as dicts keyed by column, warnings) from CSV text; unknown columns are dropped with a warning."""
    data = source.read() if hasattr(source, "read") else source
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("The file is empty.") from None
    names = [header_name(cell) for cell in header]
    warnings = [
        f"column {cell!r} ignored (not a device column)"
        for cell, n in zip(header, names, strict=True)
        if n not in COLUMNS
    ]
    rows: list[dict[str, str]] = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            rows.append({})  # a blank line keeps its row number but is not a device
            continue
        rows.append({n: cells[i] if i < len(cells) else "" for i, n in enumerate(names) if n in COLUMNS})
        if len(rows) > MAX_ROWS:
            raise ImportFileError(f"More than {MAX_ROWS} rows; split the file.")
    return [n for n in names if n in COLUMNS], rows, warnings


def _validate(
    rows: Sequence[Mapping[str, Any]], first_row: int, progress: Progress | None
) -> tuple[list[DeviceInput], list[RowError], int]:
    entries: list[DeviceInput] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    skipped = 0
    known = devices_known(str(raw.get("hostname") or "") for raw in rows if raw)
    for index, raw in enumerate(rows):
        number = first_row + index
        if not raw:
            continue
        entry, problems = validate_device(raw, existing=known.get(str(raw.get("hostname") or "").strip()))
        if entry is not None and entry.hostname.lower() in seen:
            problems = [("hostname", f"{entry.hostname} already appears in row {seen[entry.hostname.lower()]}")]
            entry = None
        if entry is None:
            errors.extend(RowError(number, column, message) for column, message in problems)
            skipped += 1
            continue
        seen[entry.hostname.lower()] = number
        entries.append(entry)
        if progress and (index + 1) % PROGRESS_EVERY == 0:
            progress(index + 1, len(rows))
    return entries, errors, skipped


def devices_import_rows(
    *,
    rows: Sequence[Mapping[str, Any]],
    skip_invalid: bool = False,
    source: str = DeviceSource.API,
    progress: Progress | None = None,
    first_row: int = 1,
    columns: Iterable[str] | None = None,
    warnings: Sequence[str] = (),
) -> ImportResult:
    """Validate every row, then write all of them (or, with ``skip_invalid``, the valid ones) in one transaction."""
    header_errors = []
    if columns is not None:
        missing = [c for c in REQUIRED if c not in set(columns)]
        header_errors = [RowError(1, c, "required column missing from the header") for c in missing]
    count = sum(1 for r in rows if r)
    if header_errors:  # every row would repeat the same complaint
        return ImportResult(False, count, errors=tuple(header_errors), warnings=tuple(warnings))
    entries, errors, skipped = _validate(rows, first_row, progress)
    if errors and not skip_invalid:
        return ImportResult(False, count, errors=tuple(errors), warnings=tuple(warnings))
    written = devices_upsert(entries=entries, source=source, progress=progress)
    return ImportResult(
        True,
        count,
        created=written.created,
        updated=written.updated,
        skipped=skipped,
        errors=tuple(errors),
        warnings=tuple(warnings),
        device_ids=written.device_ids,
    )


def devices_import_csv(
    *,
    file: bytes | str | IO[bytes] | IO[str],
    skip_invalid: bool = False,
    source: str = DeviceSource.CSV,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a CSV file (see the module docstring); raises ImportFileError when it is not readable CSV."""
    columns, rows, warnings = read_csv(file)
    return devices_import_rows(
        rows=rows,
        skip_invalid=skip_invalid,
        source=source,
        progress=progress,
        first_row=2,
        columns=columns,
        warnings=warnings,
    )
