"""Turn the client's typed release records into catalog rows (upserts, never one query per row).

Upstream text is untrusted: every string of a record loses its control characters (NUL included, which
PostgreSQL refuses in text and JSON) before it reaches a row; markup is dealt with when text is shown."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef

from portal.catalog.caching import catalog_generation_next
from portal.catalog.models import Image, Product, Release, SoftwareType
from portal.catalog.services.changes import Change, known_products, release_changes, release_flags
from portal.cisco.payloads import Doc, ReleaseRecord
from portal.cisco.payloads import Image as ImagePayload
from portal.cisco.versionkey import release_sort_key
from portal.core.sanitise import upstream_str

# SQLite allows 999 variables per statement in old builds; rows of ~25 columns stay well under it in these batches.
BATCH = 30

_PRODUCT_FIELDS = ["mdf_id", "mdf_concept_name", "fetched_at"]
_RELEASE_FIELDS = [
    "sort_key",
    "fcs_date",
    "lifecycle",
    "is_suggested",
    "message",
    "catalog_message",
    "field_notice",
    "security_advisory",
    "docs",
    "metadata_trans_id",
    "fetched_at",
]
_IMAGE_FIELDS = [
    "name",
    "size",
    "md5",
    "sha512",
    "description",
    "feature_set",
    "min_dram",
    "min_flash",
    "crypto",
    "contract_required",
    "is_related",
    "is_deleted",
    "deleted_date",
    "release_date",
    "deferral_notice",
    "software_advisory",
    "psirt",
    "docs",
    "exceptions",
    "metadata_trans_id",
    "fetched_at",
]


@dataclass(frozen=True)
class StoreResult:
    """What one store call wrote."""

    products: int
    releases: int
    images: int
    release_ids: tuple[int, ...]
    changes: tuple[Change, ...] = field(default=())


def _clean(value: Any) -> Any:
    """A payload value with every string (nested records, images, docs, exceptions included) cleaned."""
    if type(value) is str:  # exactly str: enums that are strings keep their type
        return upstream_str(value)
    if isinstance(value, tuple):
        return tuple(_clean(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [f.name for f in dataclasses.fields(value) if f.init]
        return dataclasses.replace(value, **{name: _clean(getattr(value, name)) for name in fields})
    return value


def _docs(docs: Sequence[Doc]) -> list[dict[str, str]]:
    return [{"name": d.name[:200], "type": d.type[:100], "url": _url(d.url)} for d in docs]


def _url(text: str) -> str:
    # Only http(s) links are kept: they are rendered as links on pages.
    text = (text or "").strip()
    return text[:500] if text.lower().startswith(("https://", "http://")) else ""


def _contract_required(image: ImagePayload) -> bool:
    return image.additional_entitlement or any("CONTRACT" in e.code for e in image.exceptions)


def _image_row(image: ImagePayload, release_id: int, trans_id: str, fetched_at: dt.datetime) -> Image:
    return Image(
        release_id=release_id,
        guid=image.image_guid[:40],
        name=image.name[:255],
        size=image.size,
        md5=image.md5[:32],
        sha512=image.sha512[:128],
        description=image.image_description[:255],
        feature_set=image.feature_set_description[:255],
        min_dram=image.min_dram[:40],
        min_flash=image.min_flash[:40],
        crypto=image.encryption_software,
        contract_required=_contract_required(image),
        is_related=image.is_related,
        is_deleted=image.is_deleted,
        deleted_date=image.deleted_date,
        release_date=image.release_date,
        deferral_notice=_url(image.deferral_notice),
        software_advisory=_url(image.software_advisory),
        psirt=image.psirt_indicator,
        docs=_docs(image.docs),
        exceptions=[{"code": e.code, "message": e.message} for e in image.exceptions],
        metadata_trans_id=trans_id[:40],
        fetched_at=fetched_at,
    )


def _store_products(records: Sequence[ReleaseRecord], fetched_at: dt.datetime) -> dict[str, int]:
    products = {}
    for r in records:
        products[r.pid] = Product(
            pid=r.pid[:64],
            mdf_id="" if r.mdf_id is None else str(r.mdf_id),
            mdf_concept_name=r.mdf_concept_name[:255],
            fetched_at=fetched_at,
        )
    Product.objects.bulk_create(
        products.values(), update_conflicts=True, unique_fields=["pid"], update_fields=_PRODUCT_FIELDS
    )
    return dict(Product.objects.filter(pid__in=products).values_list("pid", "id"))


def _store_types(records: Sequence[ReleaseRecord]) -> dict[str, int]:
    types = {
        str(r.software_type_id or ""): SoftwareType(type_id=str(r.software_type_id or ""), name=r.software_type_name)
        for r in records
    }
    SoftwareType.objects.bulk_create(
        types.values(), update_conflicts=True, unique_fields=["type_id"], update_fields=["name"]
    )
    return dict(SoftwareType.objects.filter(type_id__in=types).values_list("type_id", "id"))


def _release_key(r: ReleaseRecord, product_ids: dict[str, int], type_ids: dict[str, int]) -> tuple:
    return (product_ids[r.pid], type_ids[str(r.software_type_id or "")], r.operating_system[:64], r.version[:64])


def _store_releases(records, product_ids, type_ids, fetched_at) -> dict[tuple, int]:
    rows = {}
    for r in records:
        key = _release_key(r, product_ids, type_ids)
        rows[key] = Release(
            product_id=key[0],
            software_type_id=key[1],
            operating_system=key[2],
            version=key[3],
            sort_key=release_sort_key(r.version),
            fcs_date=r.fcs_date,
            lifecycle=r.lifecycle[:20],
            is_suggested=r.is_suggested,
            message=r.message,
            catalog_message=r.catalog_message,
            field_notice=_url(r.field_notice),
            security_advisory=_url(r.security_advisory),
            docs=_docs(r.docs),
            metadata_trans_id=r.metadata_trans_id[:40],
            fetched_at=fetched_at,
        )
    unique = ["product", "software_type", "operating_system", "version"]
    for start in range(0, len(rows), BATCH):
        batch = list(rows.values())[start : start + BATCH]
        Release.objects.bulk_create(batch, update_conflicts=True, unique_fields=unique, update_fields=_RELEASE_FIELDS)
    found = Release.objects.filter(product_id__in=set(product_ids.values()), version__in={k[3] for k in rows})
    return {
        (p, t, o, v): pk
        for pk, p, t, o, v in found.values_list("id", "product_id", "software_type_id", "operating_system", "version")
        if (p, t, o, v) in rows
    }


def release_flags_update(*, release_ids: Iterable[int]) -> None:
    """Derive each release's deleted / deferred / PSIRT flags from its images (which may span several pages)."""
    ids = list(release_ids)
    images = Image.objects.filter(release=OuterRef("pk"))
    for start in range(0, len(ids), 500):
        chunk = Release.objects.filter(id__in=ids[start : start + 500])
        chunk.update(
            psirt=Exists(images.filter(psirt=True)),
            is_deleted=~Exists(images.filter(is_deleted=False)),
            is_deferred=Exists(images.exclude(deferral_notice="")),
        )
        chunk.filter(lifecycle__iexact="DF").update(is_deferred=True)


@transaction.atomic
def catalog_records_store(*, records: Sequence[ReleaseRecord], fetched_at: dt.datetime) -> StoreResult:
    """Upsert the products, software types, releases and images of some release records (one page, usually).

    The result names what changed for engineers (:mod:`portal.catalog.services.changes`); callers announce it
    once per PID when their whole walk is stored."""
    records = [_clean(r) for r in records if r.pid and r.version]
    if not records:
        return StoreResult(0, 0, 0, ())
    known = known_products(pids={r.pid for r in records})
    before = release_flags(pids=known, versions={r.version[:64] for r in records}) if known else {}
    product_ids = _store_products(records, fetched_at)
    type_ids = _store_types(records)
    release_ids = _store_releases(records, product_ids, type_ids, fetched_at)
    images: dict[tuple[int, str], Image] = {}
    for r in records:
        release_id = release_ids[_release_key(r, product_ids, type_ids)]
        for image in r.images:
            if image.image_guid:
                images[(release_id, image.image_guid)] = _image_row(image, release_id, r.metadata_trans_id, fetched_at)
    rows = list(images.values())
    for start in range(0, len(rows), BATCH):
        Image.objects.bulk_create(
            rows[start : start + BATCH],
            update_conflicts=True,
            unique_fields=["release", "guid"],
            update_fields=_IMAGE_FIELDS,
        )
    release_flags_update(release_ids=release_ids.values())
    catalog_generation_next()
    changes = release_changes(before=before, release_ids=release_ids.values(), known_pids=known) if known else []
    return StoreResult(len(product_ids), len(release_ids), len(rows), tuple(release_ids.values()), tuple(changes))
