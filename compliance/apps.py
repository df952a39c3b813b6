from __future__ import annotations

from django.apps import AppConfig
from django.http import HttpRequest


def _queue_badge(request: HttpRequest) -> int:
    """Waiting downloads, counted for those who can decide (others see the link without a number)."""
    if not request.user.has_perm("compliance.decide_form"):
        return 0
    from compliance.selectors import queue_count

    return queue_count()


class ComplianceConfig(AppConfig):
    """K9 and EULA forms, decisions, the compliance queue and the audit trail."""

    name = "compliance"
    label = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from portal.core.navigation import NavLink, register

        register(
            NavLink(
                "compliance",
                "Compliance queue",
                "compliance:queue",
                "compliance.view_formsnapshot",
                10,
                badge=_queue_badge,
            )
        )
        register(NavLink("compliance", "Forms", "compliance:forms", "compliance.view_formsnapshot", 20))
        register(NavLink("compliance", "Audit trail", "compliance:audit", "compliance.view_audit", 30))
        from compliance.receivers import job_awaiting_compliance as receiver
        from downloads.signals import job_awaiting_compliance

        job_awaiting_compliance.connect(receiver, dispatch_uid="compliance-job-awaiting-compliance")
