"""Pages: jobs (live progress via htmx), requests from the release browser, the repository, device links."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from downloads import selectors, services
from downloads.choices import JobSource, JobState
from downloads.forms import FleetDownloadForm, JobFilterForm, JobRequestForm
from downloads.messages import fleet_message
from downloads.models import DownloadJob, StoredImage
from downloads.serving import file_response
from portal.core.links import device_url
from portal.inventory.filters import DeviceFilter
from portal.inventory.models import Device

VIEW_JOB = "downloads.view_downloadjob"
ADD_JOB = "downloads.add_downloadjob"
CHANGE_JOB = "downloads.change_downloadjob"
VIEW_IMAGE = "downloads.view_storedimage"


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if target and ok else fallback


@permission_required(VIEW_JOB, raise_exception=True)
def job_list(request: HttpRequest) -> HttpResponse:
    """All jobs, filtered; the table body refreshes itself every second while any job moves."""
    form = JobFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    jobs = selectors.download_jobs_list(state=data.get("state", ""), pid=data.get("pid", ""), query=data.get("q", ""))
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    context = {"page": page, "jobs": list(page), "form": form, "states": JobState.choices}
    context["live"] = selectors.download_jobs_any_live(context["jobs"])
    template = "downloads/_job_rows.html" if request.headers.get("HX-Request") else "downloads/job_list.html"
    return render(request, template, context)


def _job_context(request: HttpRequest, job: DownloadJob) -> dict:
    """What the job page and its live part show: the job and, once stored, the device link."""
    context: dict = {"job": job}
    if job.stored_image is not None:
        context["device_link"] = device_url(services.device_link_create(stored_image=job.stored_image), request)
        context["link_hours"] = services.links_valid_for()
    return context


@permission_required(VIEW_JOB, raise_exception=True)
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One job: state, progress, what it needs, checksums, the stored file and its device link."""
    job = get_object_or_404(DownloadJob.objects.select_related("stored_image", "requested_by"), pk=pk)
    return render(request, "downloads/job_detail.html", _job_context(request, job))


@permission_required(VIEW_JOB, raise_exception=True)
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The live part of the job page: all of it but the title (htmx polls it until the job ends)."""
    job = get_object_or_404(DownloadJob.objects.select_related("stored_image", "requested_by"), pk=pk)
    return render(request, "downloads/_job_progress.html", _job_context(request, job))


@require_POST
@permission_required(ADD_JOB, raise_exception=True)
def job_request(request: HttpRequest) -> HttpResponse:
    """Request one image (the release browser's Download button); then show the job."""
    form = JobRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The download request was incomplete: PID and image name are required.")
        return redirect(_safe_next(request, "downloads:job-list"))
    data = form.cleaned_data
    try:
        job = services.download_job_request(
            pid=data["pid"],
            image_name=data["image_name"],
            image_guid=data["image_guid"],
            mdf_id=data["mdf_id"],
            requested_by=request.user,
            source=JobSource.PAGE,
        )
    except services.DownloadRequestInvalid as exc:
        messages.error(request, str(exc))
        return redirect(_safe_next(request, "downloads:job-list"))
    messages.success(request, f"Download of {job.image_name} requested (job {job.pk}).")
    return redirect(job.get_absolute_url())


@require_POST
@permission_required(ADD_JOB, raise_exception=True)
def fleet_download(request: HttpRequest) -> HttpResponse:
    """Request the target images of the selected devices (or of all the device list's filters match): one job per
    distinct image; the message links to the jobs."""
    form = FleetDownloadForm(request.POST)
    back = _safe_next(request, reverse("inventory:device-list"))
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()) or "The selection could not be read.")
        return redirect(back)
    data = form.cleaned_data
    if data["all_matching"]:
        devices = DeviceFilter(QueryDict(data["query"]), queryset=Device.objects.all()).qs
    else:
        devices = Device.objects.filter(pk__in=[device.pk for device in data["device"]])
    result = services.download_jobs_request_targets(
        devices=devices,
        requested_by=request.user,
        source=JobSource.FLEET if data["all_matching"] else JobSource.DEVICES,
    )
    level = messages.success if result.jobs else messages.warning
    level(request, fleet_message(result))
    return redirect(back)


@require_POST
@permission_required(CHANGE_JOB, raise_exception=True)
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a job."""
    try:
        services.download_job_cancel(
            job_id=get_object_or_404(DownloadJob, pk=pk).pk, reason=f"Cancelled by {request.user.get_username()}."
        )
        messages.success(request, f"Job {pk} cancelled.")
    except services.JobActionRefused as exc:
        messages.error(request, str(exc))
    return redirect(_safe_next(request, reverse("downloads:job-detail", args=[pk])))


@require_POST
@permission_required(CHANGE_JOB, raise_exception=True)
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a failed, cancelled or blocked job again."""
    try:
        services.download_job_retry(job_id=get_object_or_404(DownloadJob, pk=pk).pk)
        messages.success(request, f"Job {pk} queued again.")
    except services.JobActionRefused as exc:
        messages.error(request, str(exc))
    return redirect(_safe_next(request, reverse("downloads:job-detail", args=[pk])))


@permission_required(VIEW_IMAGE, raise_exception=True)
def image_list(request: HttpRequest) -> HttpResponse:
    """The repository: every verified file."""
    query = request.GET.get("q", "")
    page = Paginator(selectors.stored_images_list(query=query), 50).get_page(request.GET.get("page"))
    return render(request, "downloads/image_list.html", {"page": page, "q": query})


@permission_required(VIEW_IMAGE, raise_exception=True)
def image_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One stored image: digests, where it came from, which devices' recommendations point at it, a device link."""
    image = get_object_or_404(StoredImage, pk=pk)
    context = {
        "image": image,
        "devices": selectors.stored_image_devices(image=image),
        "device_link": device_url(services.device_link_create(stored_image=image), request),
        "link_hours": services.links_valid_for(),
        "jobs": image.jobs.select_related("requested_by").order_by("-created_at")[:20],
    }
    return render(request, "downloads/image_detail.html", context)


@require_http_methods(["GET", "HEAD"])
@permission_required(VIEW_IMAGE, raise_exception=True)
def image_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored file for logged-in users (Range, checksum headers)."""
    return file_response(request, get_object_or_404(StoredImage, pk=pk))


@login_not_required  # a device has no session: the signed, expiring link is the proof
@require_http_methods(["GET", "HEAD"])
def device_file(request: HttpRequest, signed: str, name: str) -> HttpResponse:
    """A device fetches a file by signed, expiring link: no login, the signature is the proof."""
    image = services.device_link_resolve(signed=signed, name=name)
    if image is None:
        raise Http404("unknown or expired link")
    return file_response(request, image)
