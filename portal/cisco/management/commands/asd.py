"""`python manage.py asd`: ask the ASD API (or the simulator) from a shell, through Depot's own client.

    asd releases PID --current V [--output latest|above|V]
    asd images PID NAME [NAME ...]
    asd status NAME [NAME ...]
    asd k9
    asd eula

Readable tables by default, ``--json`` for machines. A bad argument or an upstream error is one line on
stderr and a non-zero exit status.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.cisco.exceptions import AsdError, InvalidArgument
from portal.cisco.payloads import ImageException, ReleaseRecord, to_jsonable
from portal.cisco.provider import get_client
from portal.core.humanize import counted


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers], *[["" if c is None else str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _codes(exceptions: Sequence[ImageException]) -> str:
    return ",".join(e.code for e in exceptions)


def _flag(value: bool) -> str:
    return "Y" if value else ""


class Command(BaseCommand):
    help = "Query the ASD API v4.0 (PORTAL_UPSTREAM_URL) with Depot's client: releases, images, status, k9, eula."

    def run_from_argv(self, argv: list[str]) -> None:
        """Report argument errors like upstream ones: one line on stderr, exit status 1."""
        try:
            super().run_from_argv(argv)
        except CommandError as exc:
            self.stderr.write(f"CommandError: {exc}")
            sys.exit(exc.returncode)

    def add_arguments(self, parser: CommandParser) -> None:
        # Argument errors become CommandError (one line, exit status 1) instead of argparse's usage dump.
        parser.called_from_command_line = False
        sub = parser.add_subparsers(dest="action", required=True, metavar="{releases,images,status,k9,eula}")
        releases = sub.add_parser("releases", help="releases of a PID relative to its current release")
        releases.add_argument("pid")
        releases.add_argument("--current", required=True, help="current release, e.g. 17.9.4a")
        releases.add_argument("--output", default="latest", help="latest (default), above, or a release")
        images = sub.add_parser("images", help="releases of a PID holding 1 to 5 named images")
        images.add_argument("pid")
        images.add_argument("names", nargs="+", metavar="NAME")
        status = sub.add_parser("status", help="status of 1 to 5 images by name")
        status.add_argument("names", nargs="+", metavar="NAME")
        sub.add_parser("k9", help="the K9 (export) form")
        sub.add_parser("eula", help="the EULA form")
        for sp in sub.choices.values():
            sp.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            text = getattr(self, f"_{action}")(options)
        except InvalidArgument as exc:
            raise CommandError(_one_line(exc.message)) from None
        except AsdError as exc:
            code = f"{exc.code}: " if exc.code else ""
            status = f" (HTTP {exc.http_status})" if exc.http_status else ""
            raise CommandError(_one_line(f"upstream error {code}{exc.message}{status}")) from None
        self.stdout.write(text)

    def _dump(self, value: Any) -> str:
        return json.dumps(to_jsonable(value), indent=2, ensure_ascii=False)

    def _records(self, records: list[ReleaseRecord], options: dict[str, Any], invalid: Sequence[str] = ()) -> str:
        if options["json"]:
            return self._dump({"records": records, "invalid_images": list(invalid)})
        rows = []
        for r in records:
            first = [r.version, r.fcs_date, r.lifecycle, _flag(r.is_suggested), r.software_type_name]
            for image in r.images or (None,):
                cols = ["", "", ""] if image is None else [image.name, image.size, _codes(image.exceptions)]
                rows.append([*first, *cols])
                first = ["", "", "", "", ""]
        headers = ["VERSION", "FCS", "LIFECYCLE", "SUGG", "SOFTWARE TYPE", "IMAGE", "SIZE", "EXCEPTIONS"]
        out = _table(headers, rows) if rows else "no releases"
        if invalid:
            out += "\ninvalid images: " + ", ".join(invalid)
        if records:
            out += f"\n{counted(len(records), 'release')}; metadataTransId {records[-1].metadata_trans_id}"
        return out

    def _releases(self, options: dict[str, Any]) -> str:
        client = get_client()
        records = list(
            client.iter_releases(
                pid=options["pid"], current_release=options["current"], output_release=options["output"]
            )
        )
        return self._records(records, options)

    def _images(self, options: dict[str, Any]) -> str:
        client = get_client()
        first = client.images_by_pid(pid=options["pid"], image_names=options["names"])
        records = list(first.records)
        if first.has_next:
            records = list(client.iter_images_by_pid(pid=options["pid"], image_names=options["names"]))
        return self._records(records, options, first.invalid_images)

    def _status(self, options: dict[str, Any]) -> str:
        result = get_client().image_status(image_names=options["names"])
        if options["json"]:
            return self._dump(result)
        rows = [
            [s.image_name, s.software_type_name, s.image_size, s.release_fcs_date, _flag(s.is_deleted), s.md5]
            + [_codes(s.exceptions)]
            for s in result.images
        ]
        out = _table(["IMAGE", "SOFTWARE TYPE", "SIZE", "FCS", "DELETED", "MD5", "EXCEPTIONS"], rows)
        if result.invalid_images:
            out += "\ninvalid images: " + ", ".join(result.invalid_images)
        return out

    def _form(self, form: Any, options: dict[str, Any], extra_rows: list[list[str]]) -> str:
        if options["json"]:
            return json.dumps(to_jsonable(form.raw), indent=2, ensure_ascii=False)
        rows = [["subAppVersion", form.sub_app_version], ["webForm", form.web_form], *extra_rows]
        rows += [[key, _one_line(value, 100)] for key, value in form.content.items()]
        return _table(["FIELD", "VALUE"], rows)

    def _k9(self, options: dict[str, Any]) -> str:
        form = get_client().k9_form()
        user = form.user_details
        extra = [["user", f"{user.full_name} <{user.email}> ({user.user_id})"]] if user else []
        return self._form(form, options, extra)

    def _eula(self, options: dict[str, Any]) -> str:
        return self._form(get_client().eula_form(), options, [])
