from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces with no models of their own: health, API conventions, page chrome."""

    name = "portal.core"
    label = "core"
    verbose_name = "Depot core"

    def ready(self) -> None:
        """Load the Celery app with Django (tasks sent from web processes and commands use its settings); register
        core's health checks and the observer that records whether upstream calls work."""
        from django.core.signals import request_finished, request_started

        import portal.celery  # noqa: F401, PLC0415 - imported for its side effect: the app becomes current
        from portal.cisco.provider import observe_calls
        from portal.core import health, upstream
        from portal.core.counts import generation_memo_end, generation_memo_start

        request_started.connect(generation_memo_start, dispatch_uid="core.generation_memo_start")
        request_finished.connect(generation_memo_end, dispatch_uid="core.generation_memo_end")

        health.register("database", health.check_database, gate=True)
        health.register("broker", health.check_broker, gate=True)
        health.register("storage", health.check_storage, gate=True)
        health.register("upstream_token", upstream.check_token_endpoint)
        health.register("upstream", upstream.check_upstream_calls)
        observe_calls(upstream.upstream_call_record)
