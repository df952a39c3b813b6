"""manage.py fetch_image and verify_storage."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from downloads import storage
from downloads.choices import StoredImageStatus
from downloads.models import DownloadJob, StoredImage
from tests.downloads import catalog
from tests.factories_downloads import stored_image_with_file


@pytest.mark.django_db(transaction=True)
def test_fetch_image_runs_the_job_here_with_a_progress_bar(dl_upstream):
    out = io.StringIO()
    call_command("fetch_image", catalog.PID, "dl-cloud.bin", stdout=out)
    text = out.getvalue()
    want = catalog.expected("dl-cloud.bin")
    assert "stored dl-cloud.bin" in text and want["sha512"] in text and "100.0%" in text and "[####" in text
    image = StoredImage.objects.get()
    assert image.sha512 == want["sha512"] and storage.stored_path(image.sha512).exists()
    assert DownloadJob.objects.get().source == "command"


@pytest.mark.django_db(transaction=True)
def test_fetch_image_fails_with_the_upstream_reason(dl_upstream):
    with pytest.raises(CommandError, match="CONTRACT_IMG_REQ"):
        call_command("fetch_image", catalog.PID, "dl-contract.bin", stdout=io.StringIO())


@pytest.mark.django_db
def test_verify_storage_flags_changed_and_missing_files():
    good = stored_image_with_file(name="good.bin")
    changed = stored_image_with_file(name="changed.bin")
    missing = stored_image_with_file(name="missing.bin")
    out = io.StringIO()
    call_command("verify_storage", stdout=out)
    assert "all 3 stored files verified" in out.getvalue()
    path = storage.stored_path(changed.sha512)
    data = bytearray(path.read_bytes())
    data[1000] ^= 0xFF
    path.write_bytes(bytes(data))
    storage.stored_path(missing.sha512).unlink()
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 of 3"):
        call_command("verify_storage", stdout=io.StringIO(), stderr=err)
    assert "CHANGED: changed.bin" in err.getvalue() and "MISSING: missing.bin" in err.getvalue()
    statuses = dict(StoredImage.objects.values_list("name", "check_status"))
    assert statuses == {
        good.name: StoredImageStatus.OK,
        changed.name: StoredImageStatus.CHANGED,
        missing.name: StoredImageStatus.MISSING,
    }


@pytest.mark.django_db(transaction=True)
def test_fetch_image_enqueue_follows_a_worker(dl_upstream, shared_worker):
    out = io.StringIO()
    call_command("fetch_image", catalog.PID, "dl-other-1.bin", "--enqueue", "--timeout", "60", stdout=out)
    assert "stored dl-other-1.bin" in out.getvalue()
    assert StoredImage.objects.get().sha512 == catalog.expected("dl-other-1.bin")["sha512"]
