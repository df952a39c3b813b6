from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed webhooks: events sent to other tools (AWX, NetBox scripts, chat bots) as they happen."""

    name = "webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from portal.core.navigation import NavLink, register
        from webhooks import receivers

        register(NavLink("engineer", "Webhooks", "webhooks:webhook-list", "webhooks.view_webhook", 90))
        receivers.connect()
