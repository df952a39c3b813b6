from django.apps import AppConfig


class CiscoConfig(AppConfig):
    """The ASD API integration: no models; the client, its `asd` command, and the simulator (a program of its own)."""

    name = "portal.cisco"
    label = "cisco"
    verbose_name = "Cisco ASD API"
