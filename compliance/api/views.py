"""The compliance REST API: the same role rules as the pages (permissions, never group names)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance.api import serializers as s
from compliance.choices import FormKind
from compliance.decisions import DecisionInput
from compliance.errors import ComplianceError, InvalidDecision
from compliance.filters import DecisionFilter, SnapshotFilter
from compliance.models import Decision, FormSnapshot
from compliance.rendering import render_snapshot
from compliance.selectors import FormStanding, audit_chain_verify, form_standing, form_standings
from compliance.services import decision_submit, form_snapshot_fetch
from portal.core.api.exceptions import ServiceError
from portal.core.api.permissions import needs
from portal.core.api.schemas import ErrorSerializer

VIEW_FORMS = "compliance.view_formsnapshot"
VIEW_DECISIONS = "compliance.view_decision"
DECIDE = "compliance.decide_form"
VIEW_AUDIT = "compliance.view_audit"
ERRORS = {401: ErrorSerializer, 403: ErrorSerializer}
KIND = OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=FormKind.values)


def _kind(value: str) -> str:
    if value not in FormKind.values:
        raise Http404
    return value


def _standing(standing: FormStanding) -> dict[str, Any]:
    return {
        "decision": standing.decision,
        "decision_is_current": standing.decision_is_current,
        "content_changed": standing.content_changed,
        "needs_decision": standing.needs_decision,
        "asked_again": standing.asked_again,
        "waiting_jobs": len(standing.jobs),
        "blocked_jobs": len(standing.blocked),
    }


def _form(standing: FormStanding) -> dict[str, Any]:
    snapshot = standing.snapshot
    rendered = render_snapshot(snapshot) if snapshot else None
    return {
        "kind": standing.kind,
        "label": standing.label,
        "snapshot": snapshot.pk if snapshot else None,
        "sub_app_version": snapshot.sub_app_version if snapshot else None,
        "sha256": snapshot.sha256 if snapshot else None,
        "sanitised_sha256": rendered.sanitised_sha256 if rendered else None,
        "fetched_at": snapshot.fetched_at if snapshot else None,
        "last_seen_at": snapshot.last_seen_at if snapshot else None,
        "web_form": rendered.web_form if rendered else None,
        "k9": asdict(rendered.k9) if rendered and rendered.k9 else None,
        "eula": asdict(rendered.eula) if rendered and rendered.eula else None,
        "raw": snapshot.raw if snapshot else None,
        "standing": _standing(standing),
    }


class FormListView(APIView):
    """The current K9 and EULA forms: rendered from Cisco's content (sanitised) and raw."""

    permission_classes = [needs(VIEW_FORMS)]

    @extend_schema(responses={200: s.FormSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        forms = [_form(st) for st in form_standings()]
        return Response(s.FormSerializer(forms, many=True, context={"request": request}).data)


class FormDetailView(APIView):
    """One current form (``kind`` is k9 or eula)."""

    permission_classes = [needs(VIEW_FORMS)]

    @extend_schema(parameters=[KIND], responses={200: s.FormSerializer, 404: ErrorSerializer, **ERRORS})
    def get(self, request: Request, kind: str) -> Response:
        return Response(s.FormSerializer(_form(form_standing(_kind(kind))), context={"request": request}).data)


class FormRefreshView(APIView):
    """Fetch the form from Cisco now and answer with the current form (officers; beat does it hourly)."""

    permission_classes = [needs(DECIDE)]

    @extend_schema(request=None, parameters=[KIND], responses={200: s.FormSerializer, 503: ErrorSerializer, **ERRORS})
    def post(self, request: Request, kind: str) -> Response:
        kind = _kind(kind)
        try:
            form_snapshot_fetch(kind=kind)
        except ComplianceError as exc:
            raise ServiceError(exc.message, code=exc.code, status_code=exc.http_status) from None
        return Response(s.FormSerializer(_form(form_standing(kind)), context={"request": request}).data)


class SnapshotListView(generics.ListAPIView):
    """Every version of the forms Depot has seen, newest first (``?kind=``)."""

    permission_classes = [needs(VIEW_FORMS)]
    serializer_class = s.SnapshotSerializer
    filterset_class = SnapshotFilter
    search_fields: list[str] = []
    ordering_fields = ["last_seen_at", "fetched_at"]

    def get_queryset(self) -> QuerySet:
        return FormSnapshot.objects.order_by("-last_seen_at", "-pk")


class DecisionListCreateView(generics.ListAPIView):
    """GET: decisions and not-posted attempts (all who may view); POST: decide the current form (officers)."""

    permission_classes = [needs(VIEW_DECISIONS, write=[DECIDE])]
    serializer_class = s.DecisionSerializer
    filterset_class = DecisionFilter
    search_fields: list[str] = []
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet:
        return Decision.objects.order_by("-sequence")

    @extend_schema(responses={200: s.DecisionSerializer(many=True), **ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.DecisionInputSerializer,
        responses={
            201: s.DecisionCreatedSerializer,
            400: ErrorSerializer,
            409: ErrorSerializer,
            502: ErrorSerializer,
            503: ErrorSerializer,
            **ERRORS,
        },
        description="POSTs the answer to Cisco (compliance/k9 or compliance/eula) and records it. K9: `confirm` "
        "true and a `bus_function` are required for either answer, Declined included; Declined needs `comments`. "
        "When Cisco "
        "refuses it (502 upstream_refused) or cannot be reached (503 upstream_unavailable), the attempt is kept "
        "in the audit trail with posted_ok=false and nothing else changes. 409 form_outdated: the snapshot is "
        "not Cisco's current form any more; fetch the form again.",
    )
    def post(self, request: Request) -> Response:
        data = s.DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        answer = DecisionInput(snapshot_id=values.pop("snapshot"), **values)
        try:
            outcome = decision_submit(
                data=answer, decided_by=request.user, client_address=request.META.get("REMOTE_ADDR")
            )
        except InvalidDecision as exc:
            raise serializers.ValidationError(exc.fields or {"non_field_errors": [exc.message]}) from None
        except ComplianceError as exc:
            raise ServiceError(exc.message, code=exc.code, status_code=exc.http_status) from None
        body = s.DecisionCreatedSerializer(
            {"decision": outcome.decision, "jobs_affected": outcome.jobs_affected}, context={"request": request}
        )
        return Response(body.data, status=status.HTTP_201_CREATED)


class DecisionDetailView(generics.RetrieveAPIView):
    """One decision by its sequence number."""

    permission_classes = [needs(VIEW_DECISIONS)]
    serializer_class = s.DecisionSerializer
    lookup_field = "sequence"
    queryset = Decision.objects.all()


class QueueView(APIView):
    """Download jobs each form holds (waiting on it, or blocked by compliance after a decline), with each form's
    standing."""

    permission_classes = [needs(VIEW_FORMS)]

    @extend_schema(responses={200: s.QueueGroupSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        groups = [
            {
                "kind": st.kind,
                "label": st.label,
                "sub_app_version": st.snapshot.sub_app_version if st.snapshot else None,
                "standing": _standing(st),
                "jobs": st.jobs,
                "blocked": st.blocked,
            }
            for st in form_standings()
        ]
        return Response(s.QueueGroupSerializer(groups, many=True, context={"request": request}).data)


class AuditListView(generics.ListAPIView):
    """The audit trail in full, newest first, with the page's filters (read-only)."""

    permission_classes = [needs(VIEW_AUDIT)]
    serializer_class = s.AuditRecordSerializer
    filterset_class = DecisionFilter
    search_fields: list[str] = []
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet:
        return Decision.objects.order_by("-sequence")


class AuditDetailView(generics.RetrieveAPIView):
    """One audit record by its sequence number."""

    permission_classes = [needs(VIEW_AUDIT)]
    serializer_class = s.AuditRecordSerializer
    lookup_field = "sequence"
    queryset = Decision.objects.all()


class AuditVerifyView(APIView):
    """Walk the whole chain now (as ``manage.py verify_audit`` does)."""

    permission_classes = [needs(VIEW_AUDIT)]

    @extend_schema(responses={200: s.ChainReportSerializer, **ERRORS})
    def get(self, request: Request) -> Response:
        report = audit_chain_verify()
        body = {
            "ok": report.ok,
            "checked": report.checked,
            "head_hash": report.head_hash,
            "problem": report.problem.describe() if report.problem else None,
            "problem_sequence": report.problem.sequence if report.problem else None,
        }
        return Response(s.ChainReportSerializer(body).data)
