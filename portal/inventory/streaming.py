"""CSV responses streamed row by row (exports of 100,000 devices never sit in memory)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cells(row: list[str]) -> list[str]:
    # A cell starting with = + - @ would run as a formula when a spreadsheet opens the file.
    return ["'" + c if isinstance(c, str) and c[:1] in ("=", "+", "-", "@") else c for c in row]


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """CSV text lines of rows."""
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow(_cells(row))


def csv_stream(rows: Iterable[list[str]], filename: str) -> StreamingHttpResponse:
    """A streamed CSV download."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
