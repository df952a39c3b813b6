"""Shapes of the compliance API: forms (rendered and raw), decisions, the queue and the audit trail."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from compliance.choices import DecisionStatus, FormKind
from compliance.decisions import MAX_COMMENTS, MAX_FILE_NAMES
from compliance.models import Decision
from downloads.api.serializers import job_display
from portal.core.api.fields import ApiUrlField, DisplayField
from portal.core.api.serializers import ModelSerializer
from portal.core.sanitise import plain_text, sanitise_html


@extend_schema_serializer(component_name="FormChoice")
class ChoiceSerializer(serializers.Serializer):
    """A label (plain text, as delivered) and the value that is posted."""

    label = serializers.CharField()
    value = serializers.CharField()


class RenderedK9Serializer(serializers.Serializer):
    """The K9 form's parts; ``*_html`` fields are sanitised HTML, everything else is plain text."""

    form_html = serializers.CharField()
    business_label = serializers.CharField()
    commercial = ChoiceSerializer()
    government = ChoiceSerializer()
    government_text_html = serializers.CharField()
    countries_yes = ChoiceSerializer()
    countries_no = ChoiceSerializer()
    confirmation_label = serializers.CharField()
    confirmation_text_html = serializers.CharField()
    confirmation_value = serializers.CharField()
    accept = ChoiceSerializer()
    decline = ChoiceSerializer()
    user = serializers.DictField(child=serializers.CharField(), help_text="userDetails as delivered (as text)")


class RenderedEulaSerializer(serializers.Serializer):
    """The EULA's parts; ``content_html`` is sanitised HTML."""

    label = serializers.CharField()
    content_html = serializers.CharField()
    accept = ChoiceSerializer()
    decline = ChoiceSerializer()
    app_id = serializers.CharField()


def decision_display(decision: Decision) -> str:
    """A decision's short label: its number, the form, the answer and who gave it."""
    return f"#{decision.sequence} {decision.get_kind_display()} {decision.status} by {decision.decided_by_username}"


class DecisionSerializer(ModelSerializer):
    """A decision or a not-posted attempt, as every role that may view decisions sees it."""

    url = ApiUrlField("api-compliance-decision", lookup="sequence")
    display = DisplayField(decision_display, help_text="Number, form, answer and who gave it")
    decided_by = serializers.CharField(source="decided_by_username")

    class Meta:
        model = Decision
        fields = [
            "sequence",
            "url",
            "display",
            "created_at",
            "kind",
            "status",
            "sub_app_version",
            "decided_by",
            "decided_by_role",
            "comments",
            "file_names",
            "posted_ok",
            "upstream_status_code",
            "upstream_status_message",
        ]


class AuditRecordSerializer(DecisionSerializer):
    """A record of the audit trail in full: every field the chain hash covers."""

    url = ApiUrlField("api-compliance-audit-record", lookup="sequence")
    snapshot = serializers.IntegerField(source="snapshot_id")
    posted_values = serializers.DictField(child=serializers.CharField())

    class Meta(DecisionSerializer.Meta):
        fields = [
            *DecisionSerializer.Meta.fields,
            "decided_by_id",
            "client_address",
            "snapshot",
            "raw_sha256",
            "sanitised_sha256",
            "posted_values",
            "prev_hash",
            "hash",
        ]


@extend_schema_serializer(component_name="FormStanding")
class StandingSerializer(serializers.Serializer):
    """What the latest posted decision covers, and whether Cisco needs a new one."""

    decision = DecisionSerializer(allow_null=True)
    decision_is_current = serializers.BooleanField(help_text="Given for the version Cisco delivers now")
    content_changed = serializers.BooleanField(help_text="Same version number, different content")
    needs_decision = serializers.BooleanField()
    asked_again = serializers.BooleanField(help_text="Downloads wait although the form was accepted before")
    waiting_jobs = serializers.IntegerField()
    blocked_jobs = serializers.IntegerField(help_text="Downloads blocked by compliance (the form was declined)")


@extend_schema_serializer(component_name="ComplianceForm")
class FormSerializer(serializers.Serializer):
    """A form's current snapshot: rendered from the content (sanitised) and raw, with its standing."""

    url = ApiUrlField("api-compliance-form", lookup="kind")
    display = DisplayField(lambda form: form["label"], help_text="The form's name")
    kind = serializers.ChoiceField(choices=FormKind.choices)
    label = serializers.CharField()
    snapshot = serializers.IntegerField(allow_null=True)
    sub_app_version = serializers.CharField(allow_null=True)
    sha256 = serializers.CharField(allow_null=True, help_text="sha256 of the raw answer's canonical JSON")
    sanitised_sha256 = serializers.CharField(allow_null=True, help_text="sha256 of what is shown; send it back")
    fetched_at = serializers.DateTimeField(allow_null=True)
    last_seen_at = serializers.DateTimeField(allow_null=True)
    web_form = serializers.CharField(allow_null=True, help_text="Cisco's web form (only an http(s) link)")
    k9 = RenderedK9Serializer(allow_null=True)
    eula = RenderedEulaSerializer(allow_null=True)
    raw = serializers.JSONField(allow_null=True, help_text="The whole answer of GET compliance/<kind>, as delivered")
    standing = StandingSerializer()


@extend_schema_serializer(component_name="FormSnapshot")
class SnapshotSerializer(serializers.Serializer):
    """A stored version of a form (history)."""

    display = DisplayField(
        lambda snapshot: f"{snapshot.get_kind_display()} v{snapshot.sub_app_version or '?'}",
        help_text="The form and its subAppVersion",
    )
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=FormKind.choices)
    sub_app_version = serializers.CharField()
    sha256 = serializers.CharField()
    fetched_at = serializers.DateTimeField()
    last_seen_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="Decision")
class DecisionInputSerializer(serializers.Serializer):
    """An answer to the current form; ``snapshot`` (and ideally ``shown_sha256``) from GET forms/<kind>.

    K9: Cisco's form requires ``confirm`` true and a ``bus_function`` for either answer, Declined included
    (and ``gov_mil_countries`` when the function is the government one). Declined: ``comments`` are required.
    """

    kind = serializers.ChoiceField(choices=FormKind.choices)
    snapshot = serializers.IntegerField(help_text="The snapshot id of the form answered (must be the current one)")
    shown_sha256 = serializers.CharField(required=False, allow_blank=True, max_length=64)
    status = serializers.ChoiceField(choices=DecisionStatus.choices)
    comments = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_COMMENTS,
        help_text="Required to decline (posted to Cisco as declineComments); kept with an acceptance too",
    )
    file_names = serializers.CharField(required=False, allow_blank=True, max_length=MAX_FILE_NAMES)
    bus_function = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="K9, required for either answer (Accepted or Declined): k9.commercial.value or k9.government.value",
    )
    gov_mil_countries = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="K9, when bus_function is k9.government.value: k9.countries_yes.value or k9.countries_no.value",
    )
    confirm = serializers.BooleanField(
        required=False,
        default=False,
        help_text="K9: the confirmation box; Cisco's form requires true for either answer (Accepted or Declined)",
    )


class DecisionCreatedSerializer(serializers.Serializer):
    """A posted decision and what it did to the downloads the form held."""

    decision = AuditRecordSerializer()
    jobs_affected = serializers.IntegerField(
        allow_null=True,
        help_text="Accepted: downloads resumed (waiting or blocked); Declined: waiting downloads now blocked by "
        "compliance; null: not known",
    )


@extend_schema_serializer(component_name="ComplianceQueueJob")
class QueueJobSerializer(serializers.Serializer):
    """A download job a form holds: waiting on it, or blocked by compliance because it was declined."""

    id = serializers.IntegerField()
    url = ApiUrlField("api-download-job-detail", help_text="The job in the downloads API (absolute)")
    display = DisplayField(job_display, help_text="The job's number and image")
    state = serializers.CharField(help_text="awaiting_compliance or blocked_by_compliance")
    image_name = serializers.CharField()
    pid = serializers.CharField()
    requested_by = serializers.SerializerMethodField()
    waiting_for = serializers.CharField(help_text="The form(s) that hold the job: k9, eula or k9_eula")
    reason = serializers.CharField(help_text="Why it is held (a decline names who declined and why)")
    upstream_code = serializers.CharField()
    upstream_message_html = serializers.SerializerMethodField(help_text="Cisco's message, sanitised HTML")
    upstream_message_text = serializers.SerializerMethodField(help_text="Cisco's message as plain text")
    requested_at = serializers.DateTimeField(source="created_at")
    waiting_since = serializers.DateTimeField(source="updated_at", help_text="Held (waiting or blocked) since")

    def get_requested_by(self, job: object) -> str | None:
        return job.requested_by.get_username() if job.requested_by else None

    def get_upstream_message_html(self, job: object) -> str:
        return str(sanitise_html(job.upstream_message))

    def get_upstream_message_text(self, job: object) -> str:
        return plain_text(job.upstream_message)


@extend_schema_serializer(component_name="ComplianceQueueForm")
class QueueGroupSerializer(serializers.Serializer):
    """One form's part of the queue."""

    url = ApiUrlField("api-compliance-form", lookup="kind", help_text="The form in the API (absolute)")
    display = DisplayField(lambda group: group["label"], help_text="The form's name")
    kind = serializers.ChoiceField(choices=FormKind.choices)
    label = serializers.CharField()
    sub_app_version = serializers.CharField(allow_null=True)
    standing = StandingSerializer()
    jobs = QueueJobSerializer(many=True, help_text="Waiting on the form")
    blocked = QueueJobSerializer(many=True, help_text="Blocked by compliance: an acceptance resumes them")


@extend_schema_serializer(component_name="AuditChainReport")
class ChainReportSerializer(serializers.Serializer):
    """The result of walking the chain."""

    ok = serializers.BooleanField()
    checked = serializers.IntegerField()
    head_hash = serializers.CharField()
    problem = serializers.CharField(allow_null=True, help_text="The first record that does not fit, and why")
    problem_sequence = serializers.IntegerField(allow_null=True)
