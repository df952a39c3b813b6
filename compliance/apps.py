from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    """K9 and EULA forms, decisions, the compliance queue and the audit trail."""

    name = "compliance"
    label = "compliance"
    verbose_name = "Compliance"
