"""The devices API: CRUD with filters, import (CSV upload or JSON rows), export, show version, NetBox sync."""

from __future__ import annotations

import dataclasses

from django.db import transaction
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core.api.exceptions import ServiceError
from portal.core.api.parsers import BoundedJSONParser
from portal.core.api.permissions import ModelPermissionsWithView, needs
from portal.core.api.schemas import ErrorSerializer
from portal.core.counts import CachedCount
from portal.core.streaming import csv_stream
from portal.inventory.api.serializers import (
    DeviceSerializer,
    ImportRefusedSerializer,
    ImportRequestSerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
    NetBoxSyncRequestSerializer,
    NetBoxSyncResultSerializer,
    ShowParseRequestSerializer,
    ShowParseResultSerializer,
    problems_by_field,
)
from portal.inventory.choices import DeviceSource
from portal.inventory.converters import DEVICE_ID_REGEX
from portal.inventory.filters import DeviceFilter
from portal.inventory.models import Device
from portal.inventory.selectors import device_list, devices_csv_rows, rows_in_order
from portal.inventory.services.devices import DeviceInvalid, device_delete, device_save
from portal.inventory.services.imports import ImportFileError, ImportResult, devices_import_csv, devices_import_rows
from portal.inventory.services.netbox import NetBoxError, NetBoxNotConfigured, netbox_sync
from portal.inventory.services.show import ShowParseError, device_from_show, show_parse


def _import_body(result: ImportResult) -> dict:
    return {
        "imported": result.imported,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "skipped": result.skipped,
        "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors],
        "warnings": list(result.warnings),
    }


def _import_response(result: ImportResult) -> Response:
    body = _import_body(result)
    if result.imported:
        return Response(ImportResultSerializer(body).data)
    refused = {
        "code": "import_refused",
        "message": result.summary + " Fix the rows listed in errors, or send skip_invalid=true.",
        "errors": body["errors"],
        "warnings": body["warnings"],
    }
    return Response(ImportRefusedSerializer(refused).data, status=status.HTTP_400_BAD_REQUEST)


@extend_schema_view(
    list=extend_schema(summary="List devices (filters, search ?q=, ?ordering=)"),
    retrieve=extend_schema(summary="One device"),
    create=extend_schema(summary="Create a device", responses={201: DeviceSerializer, 400: ErrorSerializer}),
    update=extend_schema(summary="Replace a device", responses={200: DeviceSerializer, 400: ErrorSerializer}),
    partial_update=extend_schema(summary="Change a device", responses={200: DeviceSerializer, 400: ErrorSerializer}),
    destroy=extend_schema(summary="Delete a device"),
)
class DeviceViewSet(viewsets.ModelViewSet):
    """Devices of the inventory."""

    serializer_class = DeviceSerializer
    permission_classes = [ModelPermissionsWithView]
    filter_backends = [DjangoFilterBackend]
    filterset_class = DeviceFilter
    queryset = Device.objects.all()
    lookup_value_regex = DEVICE_ID_REGEX  # a larger number is no device (and no integer the database can hold)

    def get_queryset(self):
        if self.action == "list":
            return Device.objects.all()  # paged by id first, see list()
        return device_list(Device.objects.all())

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        # Page through ids first (a deep OFFSET walks an index only), then load the page with its joins.
        ids_query = self.filter_queryset(self.get_queryset()).values_list("pk", flat=True)
        ids = self.paginate_queryset(CachedCount(ids_query, request.query_params.dict(), scope="devices"))
        devices = rows_in_order(list(ids))
        return self.get_paginated_response(self.get_serializer(devices, many=True).data)

    def _save(self, serializer: DeviceSerializer, device: Device) -> None:
        saved = device_save(device=device, entry=serializer.validated_data["entry"], source=DeviceSource.API)
        serializer.instance = device_list(Device.objects.filter(pk=saved.pk)).get()

    def perform_create(self, serializer: DeviceSerializer) -> None:
        self._save(serializer, Device())

    def perform_update(self, serializer: DeviceSerializer) -> None:
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance: Device) -> None:
        device_delete(device=instance)

    @extend_schema(
        summary="Export the (filtered) devices as CSV",
        filters=True,
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV in the import's columns")},
    )
    @action(detail=False, methods=["get"], url_path="export", pagination_class=None)
    def export(self, request: Request) -> object:
        """The devices the filters match, in the import's columns plus the recommended target."""
        rows = self.filter_queryset(Device.objects.all())
        return csv_stream(devices_csv_rows(rows), "devices.csv")


class DeviceImportView(APIView):
    """Import devices: a CSV file (multipart, field ``file``) or JSON ``rows``; all or nothing unless
    ``skip_invalid``. Hostnames that exist are updated."""

    permission_classes = [needs("inventory.add_device", "inventory.change_device")]
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="Import devices (CSV upload or JSON rows)",
        request={"application/json": ImportRequestSerializer, "multipart/form-data": ImportUploadSerializer},
        responses={200: ImportResultSerializer, 400: ImportRefusedSerializer},
    )
    def post(self, request: Request) -> Response:
        if "file" in request.FILES:
            upload = ImportUploadSerializer(data=request.data)
            upload.is_valid(raise_exception=True)
            try:
                result = devices_import_csv(
                    file=upload.validated_data["file"],
                    skip_invalid=upload.validated_data["skip_invalid"],
                    source=DeviceSource.API,
                )
            except ImportFileError as exc:
                raise ServiceError(str(exc), code="invalid_file") from None
            return _import_response(result)
        body = ImportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = devices_import_rows(rows=body.validated_data["rows"], skip_invalid=body.validated_data["skip_invalid"])
        return _import_response(result)


class ShowParseView(APIView):
    """Parse show version (and show inventory) of IOS, IOS XE, NX-OS or ASA; optionally save the device."""

    permission_classes = [needs("inventory.view_device")]

    @extend_schema(
        summary="Parse show version / show inventory",
        request=ShowParseRequestSerializer,
        responses={200: ShowParseResultSerializer, 400: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        body = ShowParseRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            facts = show_parse(
                show_version=data["show_version"], show_inventory=data["show_inventory"], platform=data["platform"]
            )
            device, created = None, None
            if data["save"]:
                if not request.user.has_perms(["inventory.add_device", "inventory.change_device"]):
                    raise ServiceError(
                        "Saving needs the add and change device permissions.", code="permission_denied", status_code=403
                    )
                device_id, created = device_from_show(
                    facts=facts,
                    hostname=data["hostname"],
                    site=data["site"],
                    role=data["role"],
                    tags=data.get("tags"),
                )
                device = device_list(Device.objects.filter(pk=device_id)).get()
        except ShowParseError as exc:
            raise ServiceError(str(exc), code="unparseable") from None
        except DeviceInvalid as exc:
            raise ValidationError(problems_by_field(exc.problems)) from None
        facts_body = dataclasses.asdict(facts)
        answer = {"facts": facts_body, "device": device, "created": created}
        return Response(ShowParseResultSerializer(answer, context={"request": request}).data)


class NetBoxSyncView(APIView):
    """Create or update devices from NetBox (PORTAL_NETBOX_URL / PORTAL_NETBOX_TOKEN)."""

    permission_classes = [needs("inventory.add_device", "inventory.change_device")]

    @extend_schema(
        summary="Sync devices from NetBox",
        request=NetBoxSyncRequestSerializer,
        responses={200: NetBoxSyncResultSerializer, 409: ErrorSerializer, 502: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        body = NetBoxSyncRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                result = netbox_sync(filters=body.validated_data.get("filters"))
        except NetBoxNotConfigured as exc:
            raise ServiceError(str(exc), code="netbox_not_configured", status_code=409) from None
        except NetBoxError as exc:
            raise ServiceError(str(exc), code="netbox_unavailable", status_code=502) from None
        data = {
            "seen": result.seen,
            "created": result.created,
            "updated": result.updated,
            "skipped": [{"name": n, "reason": r} for n, r in result.skipped],
        }
        return Response(NetBoxSyncResultSerializer(data).data)
