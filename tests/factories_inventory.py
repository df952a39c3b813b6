"""Factories of the inventory and catalog apps (factory_boy)."""

from __future__ import annotations

import hashlib

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from portal.catalog.models import Image, Product, Release, SoftwareType, StandardRelease
from portal.cisco.versionkey import release_sort_key
from portal.inventory.choices import OsFamily
from portal.inventory.models import Device


class DeviceFactory(DjangoModelFactory):
    class Meta:
        model = Device

    hostname = factory.Sequence(lambda n: f"sw-{n:05d}")
    pid = "C9300-24P"
    serial = factory.Sequence(lambda n: f"FOC{n:08d}")
    current_release = "17.9.4"
    running_image = "cat9k_iosxe.17.09.04.SPA.bin"
    os_family = OsFamily.IOS_XE
    site = "ber1"
    role = "access"


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("pid",)

    pid = "C9300-24P"
    mdf_id = "286313982"
    mdf_concept_name = factory.LazyAttribute(lambda o: f"Product {o.pid}")
    fetched_at = factory.LazyFunction(timezone.now)


class SoftwareTypeFactory(DjangoModelFactory):
    class Meta:
        model = SoftwareType
        django_get_or_create = ("type_id",)

    type_id = "282046477"
    name = "IOS XE Software"


class ReleaseFactory(DjangoModelFactory):
    class Meta:
        model = Release

    product = factory.SubFactory(ProductFactory)
    software_type = factory.SubFactory(SoftwareTypeFactory)
    operating_system = "IOS XE"
    version = "17.9.4a"
    sort_key = factory.LazyAttribute(lambda o: release_sort_key(o.version))
    lifecycle = "MD"
    fetched_at = factory.LazyFunction(timezone.now)
    metadata_trans_id = "45264903312820837"


class ImageFactory(DjangoModelFactory):
    class Meta:
        model = Image

    release = factory.SubFactory(ReleaseFactory)
    name = factory.LazyAttribute(lambda o: f"cat9k_iosxe.{o.release.version}.SPA.bin")
    guid = factory.LazyAttribute(lambda o: hashlib.sha1(f"{o.release.pk}:{o.name}".encode()).hexdigest().upper())  # noqa: S324 - test ids
    size = 1_203_523_426
    md5 = factory.LazyAttribute(lambda o: hashlib.md5(o.name.encode()).hexdigest())  # noqa: S324 - test data
    sha512 = factory.LazyAttribute(lambda o: hashlib.sha512(o.name.encode()).hexdigest())
    feature_set = "CAT9K UNIVERSAL"
    crypto = True
    fetched_at = factory.LazyFunction(timezone.now)
    metadata_trans_id = "45264903312820837"


class StandardReleaseFactory(DjangoModelFactory):
    class Meta:
        model = StandardRelease

    release = factory.SubFactory(ReleaseFactory)
    product = factory.LazyAttribute(lambda o: o.release.product)
    site = ""
    role = ""


def catalog_of(
    pid: str,
    rows: list[tuple],
    *,
    type_id: str = "282046477",
    type_name: str = "IOS XE Software",
    image: str = "cat9k_iosxe.{}.SPA.bin",
) -> dict[str, Release]:
    """Releases of one product from rows ``(version, flags)`` where flags holds any of "suggested", "deleted",
    "deferred", "psirt"; each release gets one image named by ``image``. Returns releases by version."""
    product = ProductFactory(pid=pid)
    software_type = SoftwareTypeFactory(type_id=type_id, name=type_name)
    out = {}
    for version, *flags in rows:
        release = ReleaseFactory(
            product=product,
            software_type=software_type,
            version=version,
            is_suggested="suggested" in flags,
            is_deleted="deleted" in flags,
            is_deferred="deferred" in flags,
            psirt="psirt" in flags,
        )
        ImageFactory(
            release=release,
            name=image.format(version),
            is_deleted="deleted" in flags,
            deferral_notice="https://www.cisco.com/deferral" if "deferred" in flags else "",
            psirt="psirt" in flags,
        )
        out[version] = release
    return out


def save_device(device: Device | None = None, **raw: object) -> Device:
    """Create (no ``device``) or change a device through the services, as the form and the API do."""
    from portal.inventory.services.devices import device_input, device_save

    device = device if device is not None else Device()
    return device_save(device=device, entry=device_input(raw=raw, device=device))
