"""Admin: read-mostly views of jobs, transfers and stored images (state changes go through services)."""

from django.contrib import admin, messages

from downloads import services
from downloads.models import DownloadJob, StoredImage, Transfer


@admin.register(DownloadJob)
class DownloadJobAdmin(admin.ModelAdmin):
    list_display = ("pk", "image_name", "pid", "state", "waiting_for", "bytes_done", "bytes_total", "created_at")
    list_filter = ("state", "waiting_for", "source")
    search_fields = ("image_name", "pid", "image_guid", "expected_sha512")
    readonly_fields = [f.name for f in DownloadJob._meta.fields]
    actions = ["cancel", "retry"]

    @admin.action(description="Cancel selected jobs")
    def cancel(self, request, queryset) -> None:
        for job in queryset:
            try:
                services.download_job_cancel(job_id=job.pk)
            except services.JobActionRefused as exc:
                self.message_user(request, f"job {job.pk}: {exc}", messages.WARNING)

    @admin.action(description="Retry selected jobs")
    def retry(self, request, queryset) -> None:
        for job in queryset:
            try:
                services.download_job_retry(job_id=job.pk)
            except services.JobActionRefused as exc:
                self.message_user(request, f"job {job.pk}: {exc}", messages.WARNING)


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    # url and token are credentials: never shown.
    list_display = ("pk", "image_name", "sha512", "leader", "bytes_done", "size", "mismatches", "updated_at")
    exclude = ("url", "token")
    readonly_fields = (
        "sha512",
        "md5",
        "size",
        "image_guid",
        "image_name",
        "pid",
        "mdf_id",
        "leader",
        "bytes_done",
        "mismatches",
        "url_issued_at",
        "metadata_trans_id",
        "metadata_at",
    )


@admin.register(StoredImage)
class StoredImageAdmin(admin.ModelAdmin):
    list_display = ("name", "size", "pid", "release_version", "check_status", "verified_at", "checked_at")
    list_filter = ("check_status",)
    search_fields = ("name", "sha512", "md5", "pid", "image_guid")
    readonly_fields = [f.name for f in StoredImage._meta.fields]
