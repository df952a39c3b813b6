"""Typed refusals of the compliance services, each with a machine-readable code (the API's error ``code``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from compliance.models import Decision


class ComplianceError(Exception):
    """A compliance action could not be done; ``code`` names why, ``message`` says it to a person."""

    code = "compliance_error"
    http_status = 400

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        self.message = message
        self.fields = fields or {}
        super().__init__(message)


class InvalidDecision(ComplianceError):
    """The answer does not fit the form (missing comments, a value the form does not offer, ...)."""

    code = "invalid_decision"


class FormOutdated(ComplianceError):
    """The officer answered a form version that is no longer the current one: they must review the new one."""

    code = "form_outdated"
    http_status = 409


class FormUnavailable(ComplianceError):
    """The form could not be fetched from the upstream (down, refused, or no form fetched yet)."""

    code = "form_unavailable"
    http_status = 503


class DecisionNotPosted(ComplianceError):
    """The upstream refused the decision or could not be reached; the attempt is in the trail, marked not posted."""

    code = "upstream_refused"
    http_status = 502

    def __init__(self, message: str, *, decision: Decision, unavailable: bool = False) -> None:
        super().__init__(message)
        self.decision = decision
        if unavailable:
            self.code = "upstream_unavailable"
            self.http_status = 503


class AuditChainBroken(ComplianceError):
    """The chain's end does not match its head: no record is appended until verify_audit has been looked at."""

    code = "audit_chain_broken"
    http_status = 500
