"""Signals other apps listen to.

``devices_changed`` (sender=Device, device_ids=<tuple of int>, deleted=<bool>): devices were created, changed
(``deleted`` False) or deleted (``deleted`` True) through any entry (form, API, CSV, show version, NetBox,
seeding). Sent by the inventory services inside the transaction that wrote them, with
:func:`portal.core.signals.send_now`, so a receiver's own writes (recommendations) commit or roll back with the
devices; a receiver that enqueues work does so with ``transaction.on_commit``. ``device_ids`` is empty when the
whole inventory was deleted.
"""

from __future__ import annotations

from django.dispatch import Signal

devices_changed = Signal()
