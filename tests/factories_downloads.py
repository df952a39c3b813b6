"""Factories of the downloads app (factory_boy)."""

from __future__ import annotations

import hashlib
import os

import factory
from django.utils import timezone

from downloads import storage
from downloads.choices import JobState
from downloads.models import DownloadJob, StoredImage


class DownloadJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DownloadJob

    pid = "C9300-24P"
    image_name = factory.Sequence(lambda n: f"cat9k_iosxe.17.9.{n}.SPA.bin")
    state = JobState.QUEUED


def stored_image_with_file(name: str = "test-image.bin", content: bytes | None = None, **fields) -> StoredImage:
    """A StoredImage whose verified file really exists in storage."""
    data = os.urandom(300_000) if content is None else content
    sha512 = hashlib.sha512(data).hexdigest()
    path = storage.stored_path(sha512)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    md5 = hashlib.md5(data).hexdigest()  # noqa: S324 - Cisco publishes md5; we check it, not trust it
    defaults = {
        "md5": md5,
        "size": len(data),
        "name": name,
        "pid": "C9300-24P",  # noqa: S324
        "verified_at": timezone.now(),
        "release_version": "17.9.4a",
    }
    defaults.update(fields)
    return StoredImage.objects.create(sha512=sha512, **defaults)
