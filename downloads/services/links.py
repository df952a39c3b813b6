"""Signed, expiring device links: ``/d/<signed>/<image name>`` needs no login, the signature is the proof.

The token is ``<stored image id>.<timestamp>.<signature>`` (django.core.signing.TimestampSigner with its own
salt and "." as separator, so the path has no ":" that a device's ``copy`` command could misread).
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from downloads import conf
from downloads.models import StoredImage

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
    """How long a device link stays valid, in words: "24 hours", "1 hour", "90 minutes", "7 days"."""
    seconds = links_max_age()
    units = [("hour", 3600), ("minute", 60), ("second", 1)]
    if seconds > 2 * 86400:
        units.insert(0, ("day", 86400))
    for unit, size in units:
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def device_link_resolve(*, signed: str, name: str) -> StoredImage | None:
    """The stored image a link names, or None when the signature is wrong, expired, or the name differs."""
    try:
        value = _signer().unsign(signed, max_age=conf.device_link_max_age_seconds())
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    image = StoredImage.objects.filter(pk=int(value)).first() if value.isdigit() else None
    return image if image is not None and image.name == name else None
