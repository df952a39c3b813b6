"""Everything that changes download state. Views, the API, commands and tasks call these; they hold no rules.

Split by subdomain: :mod:`.jobs` (requests, cancel, retry, compliance waits), :mod:`.authorize` (metadata and
download URLs), :mod:`.run` (a task's run of one job, the transfer), :mod:`.recovery` (stale heartbeats,
lost messages, old partial files), :mod:`.links` (signed device links), :mod:`.fleet` (the target images of
many devices).
"""

from downloads.services.fleet import FleetDownload, FleetDownloadSkip, download_jobs_request_targets
from downloads.services.jobs import (
    DownloadRequestInvalid,
    JobActionRefused,
    download_job_cancel,
    download_job_request,
    download_job_retry,
    download_jobs_block_by_compliance,
    download_jobs_resume_waiting,
)
from downloads.services.links import device_link_create, device_link_resolve, links_max_age, links_valid_for
from downloads.services.recovery import (
    download_jobs_reconcile,
    download_jobs_requeue_stale,
    download_partials_sweep,
    stored_image_verify,
)
from downloads.services.run import download_job_run

__all__ = [
    "FleetDownload",
    "FleetDownloadSkip",
    "DownloadRequestInvalid",
    "JobActionRefused",
    "device_link_create",
    "device_link_resolve",
    "download_job_cancel",
    "download_job_request",
    "download_job_retry",
    "download_job_run",
    "download_jobs_block_by_compliance",
    "download_jobs_reconcile",
    "download_jobs_request_targets",
    "download_jobs_requeue_stale",
    "download_jobs_resume_waiting",
    "download_partials_sweep",
    "links_max_age",
    "links_valid_for",
    "stored_image_verify",
]
