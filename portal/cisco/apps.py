from django.apps import AppConfig


class CiscoConfig(AppConfig):
    """The ASD API integration: no models, only the client, the simulator and their commands."""

    name = "portal.cisco"
    label = "cisco"
    verbose_name = "Cisco ASD API"
