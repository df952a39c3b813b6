"""The download URL of a transfer, kept fresh: an URL older than 55 minutes (the spec gives 60) is never used,
and one the upstream refuses (expired, unknown) is asked for again; an expired metadataTransId is refreshed
through metadata/pidimage first."""

from __future__ import annotations

import logging

from django.utils import timezone

from downloads import conf
from downloads.models import Transfer
from downloads.services.authorize import lookup_images, metadata_fresh
from portal.cisco.client import AsdClient
from portal.cisco.download import DownloadUrlRefused, ImageStream
from portal.cisco.exceptions import TransactionExpired
from portal.core.text import fields_clean

logger = logging.getLogger("downloads.urls")


class NeedsAuthorization(Exception):
    """Asked for a fresh URL, the upstream answered with exceptions instead; the jobs must be authorized again."""


class UrlSource:
    """Opens the transfer's bytes from a byte offset with a URL that is still valid."""

    def __init__(self, transfer: Transfer, client: AsdClient) -> None:
        self.transfer = transfer
        self.client = client
        self.refreshes = 0

    def url_expired(self) -> bool:
        """Whether the URL is missing or too old to be used."""
        issued = self.transfer.url_issued_at
        return (
            not self.transfer.url
            or issued is None
            or ((timezone.now() - issued).total_seconds() >= conf.URL_MAX_AGE_SECONDS)
        )

    def open(self, start: int) -> ImageStream:
        """Open from ``start``; refresh the URL first when expired, and once more when the upstream refuses it."""
        if self.url_expired():
            self.refresh("the URL is older than 55 minutes")
        try:
            return self.client.open_image(self.transfer.url, self.transfer.token, start=start)
        except DownloadUrlRefused as exc:
            self.refresh(f"the upstream refused the URL ({exc.message})")
            return self.client.open_image(self.transfer.url, self.transfer.token, start=start)

    def _trans_id(self, *, force: bool) -> str:
        t = self.transfer
        if force or not t.metadata_trans_id or not metadata_fresh(t.metadata_at):
            found = lookup_images(self.client, pid=t.pid, names=[t.image_name])
            match = next((f for f in found.get(t.image_name, []) if f.image.image_guid.upper() == t.image_guid), None)
            if match is None:
                raise NeedsAuthorization(f"The upstream no longer lists {t.image_name} for PID {t.pid}.")
            t.metadata_trans_id, t.metadata_at = match.trans_id, timezone.now()
        return t.metadata_trans_id

    def refresh(self, why: str) -> None:
        """Ask download/pidimage for a new URL and keep it on the transfer row (another worker may resume)."""
        t = self.transfer
        self.refreshes += 1
        logger.info("transfer %s: asking for a fresh URL: %s", t.sha512[:12], why)
        try:
            answer = self.client.download_urls(
                pid=t.pid, mdf_id=t.mdf_id, metadata_trans_id=self._trans_id(force=False), image_guids=[t.image_guid]
            )
        except TransactionExpired:
            answer = self.client.download_urls(
                pid=t.pid, mdf_id=t.mdf_id, metadata_trans_id=self._trans_id(force=True), image_guids=[t.image_guid]
            )
        offer = next((o for o in answer.offers if o.image_guid.upper() == t.image_guid), None)
        if offer is None or not offer.downloadable:
            codes = ", ".join(e.code for e in offer.exceptions) if offer else "no answer for this image"
            raise NeedsAuthorization(f"Asked for a fresh download URL, the upstream answered: {codes}.")
        fields = fields_clean(
            {
                "url": offer.url or "",
                "token": offer.token,
                "url_issued_at": timezone.now(),
                "metadata_trans_id": t.metadata_trans_id,
                "metadata_at": t.metadata_at,
            }
        )
        t.url, t.token, t.url_issued_at, t.metadata_trans_id = (
            fields["url"],
            fields["token"],
            fields["url_issued_at"],
            fields["metadata_trans_id"],
        )
        Transfer.objects.filter(pk=t.pk).update(**fields)
