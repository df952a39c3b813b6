"""WSGI entry point for gunicorn: gunicorn portal.wsgi."""

import os

from django.core.wsgi import get_wsgi_application

from portal.core.collector import tune_web_worker
from portal.core.configcheck import GUNICORN_BOOT_ERROR, exit_on_bad_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
exit_on_bad_settings(code=GUNICORN_BOOT_ERROR)

application = get_wsgi_application()
tune_web_worker()  # the garbage collector as a web worker needs it (portal.core.collector)
