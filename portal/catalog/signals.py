"""Signals other apps listen to, sent with :func:`portal.core.signals.send_on_commit`.

``catalog_changed`` (sender=Product, pid=<str>, changes=<list of dicts>): what the upstream said about a PID in the
fleet changed in a way engineers act on. Each change is ``{"kind": "suggested" | "deferred" | "deleted" |
"psirt", "release": "<canonical release>"}``: a newly suggested release, or a release that devices run newly
deferred, deleted or PSIRT-flagged. Changes come in a fixed order (kind as listed, then release order). News is
measured against metadata Depot held before: the first answer about a PID announces nothing.
"""

from __future__ import annotations

from django.dispatch import Signal

catalog_changed = Signal()
