#!/usr/bin/env python
"""Django's command-line utility for Depot."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from portal.core.configcheck import configuration_error

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A bad environment value: one line that names the variable, not a traceback.
        sys.exit(configuration_error(exc))


if __name__ == "__main__":
    main()
