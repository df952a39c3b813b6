"""Fetch one image into verified storage from the command line, with a progress bar.

    python manage.py fetch_image C9300-24P cat9k_iosxe.17.09.04a.SPA.bin [--guid G] [--mdf-id M] [--enqueue]

By default the job runs in this process (a worker that happens to take the queued message first is fine:
the job is claimed once, and this command follows it either way); ``--enqueue`` leaves it to the workers
and only follows it. Exit status 0 once stored, 1 when it failed, was blocked or cancelled, 2 when it is held
by compliance (waiting on a form, or blocked because one was declined).
"""

from __future__ import annotations

import threading
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connections

from downloads import services
from downloads.choices import HELD_BY_COMPLIANCE, JobSource, JobState
from downloads.explain import job_needs
from downloads.management.progress import Bar
from downloads.models import DownloadJob


class Command(BaseCommand):
    help = "Download one image (PID and image name) into verified storage, showing progress."

    def add_arguments(self, parser) -> None:
        parser.add_argument("pid")
        parser.add_argument("image_name")
        parser.add_argument("--guid", default="", help="The image GUID, when the name is ambiguous.")
        parser.add_argument("--mdf-id", default="")
        parser.add_argument("--enqueue", action="store_true", help="Leave the work to the Celery workers; follow.")
        parser.add_argument("--timeout", type=float, default=0, help="Give up following after this many seconds.")

    def handle(
        self, *args, pid: str, image_name: str, guid: str, mdf_id: str, enqueue: bool, timeout: float, **options
    ) -> None:
        try:
            job = services.download_job_request(
                pid=pid, image_name=image_name, image_guid=guid, mdf_id=mdf_id, source=JobSource.COMMAND
            )
        except services.DownloadRequestInvalid as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"job {job.pk}: {image_name} for {pid}")
        runner = None if enqueue or job.is_terminal else threading.Thread(target=self._run, args=(job.pk,))
        if runner is not None:
            runner.start()
        job = self._follow(job.pk, timeout)
        if runner is not None:
            runner.join()
        self._report(job)

    @staticmethod
    def _run(job_id: int) -> None:
        try:
            services.download_job_run(job_id=job_id)
        finally:
            connections.close_all()

    def _follow(self, job_id: int, timeout: float) -> DownloadJob:
        bar = Bar(self.stdout._out)
        deadline = time.monotonic() + timeout if timeout else None
        settled = {JobState.BLOCKED, *HELD_BY_COMPLIANCE}
        while True:
            close_old_connections()
            job = DownloadJob.objects.get(pk=job_id)
            bar.draw(
                job.bytes_done,
                total=job.bytes_total or job.expected_size,
                rate=job.rate or None,
                eta=job.eta_seconds,
                label=job.get_state_display(),
            )
            if job.is_terminal or job.state in settled:
                bar.draw(
                    job.bytes_done,
                    total=job.bytes_total or job.expected_size,
                    label=job.get_state_display(),
                    force=True,
                )
                bar.finish()
                return job
            if deadline is not None and time.monotonic() > deadline:
                bar.finish()
                raise CommandError(f"job {job_id} is still {job.get_state_display().lower()}; follow it on the page")
            time.sleep(0.25)

    def _report(self, job: DownloadJob) -> None:
        if job.state == JobState.STORED:
            image = job.stored_image
            self.stdout.write(self.style.SUCCESS(f"stored {image.name} ({image.size} bytes)"))
            self.stdout.write(f"sha512 {image.sha512}\nmd5    {image.md5}")
            return
        detail = "\n".join(filter(None, [job.reason, job_needs(job), job.upstream_code, job.upstream_message]))
        if job.state in HELD_BY_COMPLIANCE:
            self.stderr.write(detail)
            raise SystemExit(2)
        raise CommandError(f"job {job.pk} {job.get_state_display().lower()}: {detail}")
