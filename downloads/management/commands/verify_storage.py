"""Re-hash every stored file and flag any whose bytes changed (or vanished).

    python manage.py verify_storage

Exit status 1 when any file changed or is missing, so it can run from cron or a monitoring check.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Sum

from downloads import services
from downloads.choices import StoredImageStatus
from downloads.management.progress import Bar
from downloads.models import StoredImage


class Command(BaseCommand):
    help = "Re-hash every stored image (sha512 and md5) and flag files whose bytes changed."

    def handle(self, *args, **options) -> None:
        images = list(StoredImage.objects.order_by("name", "pk"))
        total = StoredImage.objects.aggregate(total=Sum("size"))["total"] or 0
        bar = Bar(self.stdout._out, total=total)
        done = 0
        bad = []

        def progress(count: int) -> None:
            nonlocal done
            done += count
            bar.draw(done, label=current)

        for image in images:
            current = image.name
            before = done
            result = services.stored_image_verify(image=image, progress=progress)
            done = before + image.size
            bar.draw(done, label=current, force=True)
            if result.status != StoredImageStatus.OK:
                bad.append(result)
        bar.finish()
        for result in bad:
            self.stderr.write(f"{result.status.upper()}: {result.name} (id {result.image_id}): {result.detail}")
        if bad:
            raise CommandError(f"{len(bad)} of {len(images)} stored files changed or are missing")
        self.stdout.write(self.style.SUCCESS(f"all {len(images)} stored files verified ({total} bytes)"))
