"""The garbage collector's settings for web workers (portal.wsgi applies them with :func:`tune_web_worker`).

Every request leaves a few hundred to a thousand objects in reference cycles, which only the collector frees:
Django's template contexts (each push points back at its context), DRF's serializers and their fields, forms and
their bound fields, a row and its select_related one-to-one. Left to the thresholds, a collection starts in the
middle of some request and walks everything that request holds alive: with Python's (700, 10, 10) a 2-6 ms one
every tenth request and an 80-170 ms full one every few hundred; with (50,000, 20, 100) one of 75-100 ms every
fifty-odd requests (a device-list page leaves ~850 objects). Collected once each response has been written, the
garbage of one request takes 0.2-0.35 ms and nothing else is young: in one process, 4 pages and API lists at
100,000 devices went from 65 to 79 requests/s, p95 19-24 -> 15-18 ms and p99 69-98 -> 19-24 ms.
"""

from __future__ import annotations

import gc

from django.core.signals import request_finished


def collect_young(**_: object) -> None:
    """Free the cyclic garbage of the request just answered (sent as request_finished: its response is written)."""
    gc.collect(0)


def tune_web_worker() -> None:
    """Freeze what the loaded project made (~110,000 objects that live as long as the process, out of every
    collection's walk), collect after each response, and keep high thresholds as the backstop for a request that
    makes more than 50,000 objects on its own (an import, an export)."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    request_finished.connect(collect_young, dispatch_uid="depot-collect-after-response")
