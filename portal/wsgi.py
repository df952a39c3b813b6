"""WSGI entry point for gunicorn: gunicorn portal.wsgi."""

import gc
import os

from django.core.wsgi import get_wsgi_application

from portal.core.configcheck import GUNICORN_BOOT_ERROR, exit_on_bad_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
exit_on_bad_settings(code=GUNICORN_BOOT_ERROR)

application = get_wsgi_application()

# The ~110,000 objects of the loaded project live as long as the process: moved out of the collector's view, a
# full collection walks a third as many objects. Measured on the device pages at 100,000 devices: full
# collections paused a request 120-200 ms each, 20-60 ms after the freeze (a page's own work is ~30-50 ms).
gc.freeze()
# Python's default thresholds (700, 10, 10) collect two or three times per page here, and every few pages a full
# collection walks all the objects a worker made since start (its caches, prepared statements): over the 16 URLs
# of bench/web_latency.py, 31 collections took 142 ms, 9 ms a request on average, up to 40 ms on one. A request's
# objects are freed by reference counting; only cyclic garbage waits for the collector, so collecting every 50,000
# net allocations frees the same memory later and costs next to nothing (no collection in those 16 requests).
gc.set_threshold(50_000, 20, 100)
