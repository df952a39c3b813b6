"""Signals other apps listen to, sent with :func:`portal.core.signals.send_on_commit`.

``form_decided`` (sender=Decision, decision_id=<int>): an officer's decision on a K9 or EULA form was recorded
(accepted, declined, or not posted because Cisco refused or could not be reached; the row says which).
"""

from __future__ import annotations

from django.dispatch import Signal

form_decided = Signal()
