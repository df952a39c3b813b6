"""One line naming the variable, not a traceback, when a setting is wrong: the same for manage.py, the web
server (portal/wsgi.py) and Celery (portal/celery.py).

settings.py raises ImproperlyConfigured for a missing or malformed variable; each entry point loads the settings
through :func:`exit_on_bad_settings` first, so the person who set the variable reads one line saying which.
"""

from __future__ import annotations

import sys

PREFIX = "depot: configuration error: "
# gunicorn's arbiter halts when a worker exits with this code (WORKER_BOOT_ERROR) instead of respawning it forever.
GUNICORN_BOOT_ERROR = 3


def configuration_error(exc: BaseException) -> str:
    """The one line shown for a bad setting."""
    return f"{PREFIX}{exc}"


def exit_on_bad_settings(*, code: int = 1) -> None:
    """Load Django's settings; on ImproperlyConfigured print the one line to stderr and exit with ``code``."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - touching a setting imports settings.py, which checks every variable
    except ImproperlyConfigured as exc:
        print(configuration_error(exc), file=sys.stderr, flush=True)
        raise SystemExit(code) from None
