"""Downloads API: request jobs (202 + the job's URL), follow and steer them, read and fetch stored images."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from downloads import services
from downloads.api.serializers import (
    DeviceLinkSerializer,
    DownloadJobSerializer,
    FleetDownloadRequestSerializer,
    FleetDownloadResultSerializer,
    JobRequestSerializer,
    StoredImageSerializer,
)
from downloads.choices import JobSource
from downloads.filters import JobFilter, StoredImageFilter
from downloads.models import DownloadJob, StoredImage
from downloads.serving import file_response
from portal.core.api.exceptions import ServiceError
from portal.core.api.permissions import needs
from portal.core.api.schemas import ErrorSerializer
from portal.core.links import device_url
from portal.inventory.filters import DeviceFilter
from portal.inventory.models import Device

VIEW_JOB = "downloads.view_downloadjob"
CHANGE_JOB = "downloads.change_downloadjob"


_ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(summary="List download jobs (newest first)"),
    retrieve=extend_schema(
        summary="A download job with its progress", responses={200: DownloadJobSerializer, **_ERRORS}
    ),
)
class DownloadJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Download jobs: the database row is the truth about each one."""

    queryset = DownloadJob.objects.select_related("requested_by", "stored_image")
    serializer_class = DownloadJobSerializer
    permission_classes = [needs(VIEW_JOB, write=["downloads.add_downloadjob"])]
    filterset_class = JobFilter
    search_fields = ["image_name", "pid"]
    ordering_fields = ["created_at", "updated_at", "state"]

    @extend_schema(
        summary="Request a download",
        description="Writes the job and queues it; answers 202 with the job (its URL also in Location). An image "
        "already stored completes at once.",
        request=JobRequestSerializer,
        responses={202: DownloadJobSerializer, **_ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = JobRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            job = services.download_job_request(**data.validated_data, requested_by=request.user, source=JobSource.API)
        except services.DownloadRequestInvalid as exc:
            raise ServiceError(str(exc), code=exc.code) from None
        body = DownloadJobSerializer(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})

    @extend_schema(
        summary="Cancel a job", request=None, responses={200: DownloadJobSerializer, **_ERRORS, 409: ErrorSerializer}
    )
    @action(detail=True, methods=["post"], permission_classes=[needs(VIEW_JOB, write=[CHANGE_JOB])])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        job = self.get_object()
        try:
            job = services.download_job_cancel(job_id=job.pk, reason=f"Cancelled by {request.user.get_username()}.")
        except services.JobActionRefused as exc:
            raise ServiceError(str(exc), code=exc.code, status_code=409) from None
        return Response(DownloadJobSerializer(job, context={"request": request}).data)

    @extend_schema(
        summary="Retry a failed, cancelled or blocked job",
        request=None,
        responses={202: DownloadJobSerializer, **_ERRORS, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[needs(VIEW_JOB, write=[CHANGE_JOB])])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        job = self.get_object()
        try:
            job = services.download_job_retry(job_id=job.pk)
        except services.JobActionRefused as exc:
            raise ServiceError(str(exc), code=exc.code, status_code=409) from None
        body = DownloadJobSerializer(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


@extend_schema_view(
    list=extend_schema(summary="List stored (verified) images"),
    retrieve=extend_schema(summary="A stored image", responses={200: StoredImageSerializer, **_ERRORS}),
)
class StoredImageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Verified files in content-addressed storage."""

    queryset = StoredImage.objects.all()
    serializer_class = StoredImageSerializer
    permission_classes = [needs("downloads.view_storedimage")]
    filterset_class = StoredImageFilter
    search_fields = ["name", "pid"]
    ordering_fields = ["name", "verified_at", "size"]

    def get_queryset(self) -> QuerySet[StoredImage]:
        return super().get_queryset().order_by("name", "pk")

    @extend_schema(
        summary="The file's bytes",
        description="Supports a single Range (206 + Content-Range; 416 past the end). Headers: X-Checksum-SHA512, "
        "X-Checksum-MD5 (hex, whole file), Repr-Digest (sha-512, RFC 9530), Content-MD5 (base64, full answers "
        "only), ETag (the sha512).",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            (206, "application/octet-stream"): OpenApiTypes.BINARY,
            416: OpenApiResponse(description="Range not satisfiable"),
            404: ErrorSerializer,
        },
    )
    @action(detail=True, methods=["get"], url_path="file")
    def file(self, request: Request, pk: str | None = None) -> HttpResponse:
        return file_response(request, self.get_object())

    @extend_schema(
        summary="A signed, expiring device link (no login needed to fetch it)",
        description="The link starts with PORTAL_DEVICE_BASE_URL (the address devices reach Depot at) when it is "
        "set, else with the host this request was sent to.",
        request=None,
        responses={200: DeviceLinkSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="link")
    def link(self, request: Request, pk: str | None = None) -> Response:
        url = device_url(services.device_link_create(stored_image=self.get_object()), request)
        body = {"url": url, "copy_command": f"copy {url} flash:", "expires_in": services.links_max_age()}
        return Response(DeviceLinkSerializer(body).data)


def _devices_filtered(filters: dict[str, list[str]]) -> QuerySet[Device]:
    """The devices the device-list filters select; a filter that does not exist, or a value it cannot read, is a
    400 under ``filters`` (no download is requested for more devices than were meant)."""
    unknown = sorted(set(filters) - set(DeviceFilter.base_filters))
    if unknown:
        names = ", ".join(DeviceFilter.base_filters)
        raise ValidationError({"filters": [f"No device filter named {', '.join(unknown[:5])}: use {names}."]})
    query = QueryDict(mutable=True)
    for name, values in filters.items():
        query.setlist(name, values)
    filterset = DeviceFilter(query, queryset=Device.objects.all())
    if not filterset.is_valid():
        raise ValidationError({"filters": filterset.errors})
    return filterset.qs


class FleetDownloadView(APIView):
    """Request the target images of devices: one download job per distinct image."""

    permission_classes = [needs("inventory.view_device", "downloads.add_downloadjob")]

    @extend_schema(
        summary="Download the target images of devices",
        description="The catalog's recommendations say which image each device should run; one job is written per "
        "distinct image (an image already stored completes at once). An image too small for every device that "
        "wants it (memory or flash below its published minimums) is not requested and is listed in `skipped`; "
        "one device whose fit is unknown is enough to request it. Images the request rules refuse are listed in "
        "`refused`; the others still go.",
        request=FleetDownloadRequestSerializer,
        responses={202: FleetDownloadResultSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        body = FleetDownloadRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data.get("device_ids"):
            devices = Device.objects.filter(pk__in=body.validated_data["device_ids"])
        else:
            devices = _devices_filtered(body.validated_data["filters"])
        result = services.download_jobs_request_targets(
            devices=devices, requested_by=request.user, source=JobSource.API
        )
        data = {
            "jobs": result.jobs,
            "refused": [{"image_name": name, "reason": why} for name, why in result.refused],
            "skipped": result.skipped,
            "devices": result.devices,
            "without_target": result.without_target,
        }
        answer = FleetDownloadResultSerializer(data, context={"request": request}).data
        return Response(answer, status=status.HTTP_202_ACCEPTED)
