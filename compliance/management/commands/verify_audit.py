"""``manage.py verify_audit``: walk the compliance audit chain and name the first record that does not fit."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import ngettext

from compliance import dbguard
from compliance.selectors import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Check every compliance decision against the hash chain (sequence, links, content hashes, the form "
        "snapshots they name, the chain head). Exits 1 naming the first record that does not fit."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        guard = dbguard.installed(connection)
        if len(guard) < len(dbguard.TRIGGERS):
            missing = sorted(set(dbguard.TRIGGERS) - set(guard))
            triggers = ngettext("trigger", "triggers", len(missing))
            self.stderr.write(self.style.WARNING(f"Database guard incomplete: missing {triggers} {', '.join(missing)}"))
        if not report.ok:
            before = ngettext("%(n)d record before it fits", "%(n)d records before it fit", report.checked)
            raise CommandError(
                f"Audit chain broken at {report.problem.describe()}. {before % {'n': report.checked}}.", returncode=1
            )
        records = ngettext("%(n)d record", "%(n)d records", report.checked) % {"n": report.checked}
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {records}; head hash {report.head_hash}"))
