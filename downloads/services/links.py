"""Signed, expiring device links: ``/d/<signed>/<image name>`` needs no login, the signature is the proof.

The token is ``<stored image id>.<timestamp>.<signature>`` (django.core.signing.TimestampSigner with its own
salt and "." as separator, so the path has no ":" that a device's ``copy`` command could misread).
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from downloads import conf
from downloads.models import StoredImage
from portal.core.humanize import duration_text

_SALT = "downloads.device-link"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT, sep=".")


def device_link_create(*, stored_image: StoredImage) -> str:
    """The path of a signed link to ``stored_image`` (made absolute for devices by ``portal.core.links.device_url``)."""
    token = _signer().sign(str(stored_image.pk))
    return reverse("downloads:device-file", kwargs={"signed": token, "name": stored_image.name})


def links_max_age() -> int:
    """Seconds a device link stays valid."""
    return conf.device_link_max_age_seconds()


def links_valid_for() -> str:
    """How long a device link stays valid, in words: "24 hours", "1 hour 30 minutes", "7 days"."""
    return duration_text(links_max_age())


def device_link_resolve(*, signed: str, name: str) -> StoredImage | None:
    """The stored image a link names, or None when the signature is wrong, expired, or the name differs."""
    try:
        value = _signer().unsign(signed, max_age=conf.device_link_max_age_seconds())
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    image = StoredImage.objects.filter(pk=int(value)).first() if value.isdigit() else None
    return image if image is not None and image.name == name else None
