"""Typed results of the ASD client: frozen dataclasses, the spec's quirks already normalised.

Normalised once, here (by :mod:`portal.cisco.parse`): numbers sent as strings are ints, ``"Y"``/``"N"`` are
booleans (missing or empty is False), empty date strings are None and others :class:`datetime.date`,
versions keep Cisco's own text. Fields the client does not know are kept in each object's ``extra``
mapping (wire name -> raw value), so nothing the upstream sends is dropped. Forms and acceptance forms are
also kept raw, because compliance officers must see them exactly as delivered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.cisco.errors import ImageOutcome, combined_outcome

__all__ = [
    "Doc",
    "DownloadOffer",
    "DownloadUrls",
    "EulaForm",
    "Image",
    "ImageException",
    "ImageStatus",
    "ImageStatusResult",
    "K9Form",
    "Pagination",
    "ReleasePage",
    "ReleaseRecord",
    "SubmitResult",
    "UserDetails",
    "to_jsonable",
]

Extra = Mapping[str, Any]


def _empty() -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Pagination:
    """The ``pagination`` block: 1-based page index, last page index, record counts."""

    page_index: int
    last_index: int
    total_records: int
    page_records: int


@dataclass(frozen=True)
class Doc:
    """A document attached to a release or image (``docs`` / ``imageDocs``)."""

    name: str
    type: str
    url: str
    extra: Extra = field(default_factory=_empty)


@dataclass(frozen=True)
class ImageException:
    """One per-image exception (``exception[]``) and what it means for a download."""

    code: str
    message: str
    outcome: ImageOutcome


def _outcome_of(exceptions: tuple[ImageException, ...]) -> ImageOutcome | None:
    return combined_outcome(e.code for e in exceptions)


@dataclass(frozen=True)
class Image:
    """An image of a release, from metadata/pidrelease or metadata/pidimage."""

    image_guid: str
    name: str
    size: int | None
    md5: str
    sha512: str
    image_description: str = ""
    feature_set_description: str = ""
    min_dram: str = ""
    min_flash: str = ""
    encryption_software: bool = False
    is_deleted: bool = False
    deleted_date: dt.date | None = None
    release_date: dt.date | None = None
    is_related: bool = False
    software_advisory: str = ""
    deferral_notice: str = ""
    migration_release_version: str = ""
    migration_target_retirement_date: dt.date | None = None
    migration_release_lifecycle: str = ""
    additional_entitlement: bool = False
    psirt_indicator: bool = False
    docs: tuple[Doc, ...] = ()
    exceptions: tuple[ImageException, ...] = ()
    extra: Extra = field(default_factory=_empty)

    @property
    def outcome(self) -> ImageOutcome | None:
        """The combined outcome of this image's exceptions (None when it has none)."""
        return _outcome_of(self.exceptions)


@dataclass(frozen=True)
class ReleaseRecord:
    """One release, flattened with where it came from (product, software type, OS, metadataTransId)."""

    pid: str
    mdf_id: int | None
    mdf_concept_name: str
    software_type_id: int | None
    software_type_name: str
    operating_system: str
    version: str
    fcs_date: dt.date | None
    lifecycle: str
    is_suggested: bool
    message: str
    catalog_message: str
    field_notice: str
    security_advisory: str
    docs: tuple[Doc, ...]
    images: tuple[Image, ...]
    metadata_trans_id: str
    extra: Extra = field(default_factory=_empty)


@dataclass(frozen=True)
class ReleasePage:
    """One page of metadata/pidrelease or metadata/pidimage, its releases flattened to records."""

    pagination: Pagination
    metadata_trans_id: str
    records: tuple[ReleaseRecord, ...]
    invalid_images: tuple[str, ...]
    received_at: dt.datetime
    extra: Extra = field(default_factory=_empty)

    @property
    def has_next(self) -> bool:
        """Whether a later page exists."""
        return self.pagination.page_index < self.pagination.last_index


@dataclass(frozen=True)
class ImageStatus:
    """One image of metadata/images (the flat shape of its sample)."""

    image_name: str
    software_type_id: int | None
    software_type_name: str
    image_size: int | None
    md5: str
    sha512: str
    is_deleted: bool
    deleted_date: dt.date | None
    release_fcs_date: dt.date | None
    image_description: str = ""
    feature_set_description: str = ""
    min_dram: str = ""
    min_flash: str = ""
    encryption_software: bool = False
    image_docs: tuple[Doc, ...] = ()
    exceptions: tuple[ImageException, ...] = ()
    extra: Extra = field(default_factory=_empty)

    @property
    def outcome(self) -> ImageOutcome | None:
        """The combined outcome of this image's exceptions (None when it has none)."""
        return _outcome_of(self.exceptions)


@dataclass(frozen=True)
class ImageStatusResult:
    """The answer of metadata/images: known images, and the names it did not know."""

    images: tuple[ImageStatus, ...]
    invalid_images: tuple[str, ...]
    extra: Extra = field(default_factory=_empty)


@dataclass(frozen=True)
class UserDetails:
    """The Cisco user a K9 form is for (``userDetails``)."""

    user_id: str
    first_name: str
    last_name: str
    full_name: str
    email: str
    extra: Extra = field(default_factory=_empty)


@dataclass(frozen=True)
class K9Form:
    """GET compliance/k9: ``content`` is ``k9Content`` exactly as delivered; ``raw`` the whole answer."""

    status_code: str
    status_message: str
    sub_app_version: str
    web_form: str
    content: Mapping[str, Any]
    user_details: UserDetails | None
    raw: Mapping[str, Any]


@dataclass(frozen=True)
class EulaForm:
    """GET compliance/eula: ``content`` is ``eulaContent`` exactly as delivered; ``raw`` the whole answer."""

    status_code: str
    status_message: str
    sub_app_version: str
    web_form: str
    content: Mapping[str, Any]
    raw: Mapping[str, Any]


@dataclass(frozen=True)
class SubmitResult:
    """POST compliance/k9 or compliance/eula: ``statusCode`` "0" means success."""

    status_code: str
    status_message: str
    extra: Extra = field(default_factory=_empty)

    @property
    def ok(self) -> bool:
        """Whether the upstream accepted the submission."""
        return self.status_code == "0"


@dataclass(frozen=True)
class DownloadOffer:
    """One image of download/pidimage: a URL (and cloud token) or exceptions saying why not.

    ``url`` is None when the upstream gave none. ``token`` non-empty means a cloud URL (POST the token as
    ``X-Authentication-Control``); empty means a default URL (append ``&access_token=``). ``outcome`` is the
    combined outcome of the exceptions, None when there are none. URLs expire 60 minutes after ``issued_at``.
    """

    image_guid: str
    image_name: str
    url: str | None = field(repr=False)
    token: str = field(repr=False)
    session_id: str
    exceptions: tuple[ImageException, ...]
    outcome: ImageOutcome | None
    issued_at: dt.datetime
    extra: Extra = field(default_factory=_empty, repr=False)

    @property
    def is_cloud(self) -> bool:
        """Whether the URL is a cloud URL (token POSTed) rather than a default one (access_token appended)."""
        return bool(self.token)

    @property
    def downloadable(self) -> bool:
        """A URL was given and no exception stands in the way (warnings only, or none)."""
        return bool(self.url) and self.outcome in (None, ImageOutcome.WARNING)


@dataclass(frozen=True)
class DownloadUrls:
    """The answer of download/pidimage; ``acceptance_form`` is ``acceptanceForm`` exactly as delivered."""

    session_id: str
    offers: tuple[DownloadOffer, ...]
    acceptance_form: Mapping[str, Any]
    pagination: Pagination | None
    issued_at: dt.datetime
    extra: Extra = field(default_factory=_empty)


def to_jsonable(value: Any, *, secrets: bool = False) -> Any:
    """Plain JSON types from a payload (dates ISO, enums their value); URLs and cloud tokens of offers are
    left out unless ``secrets`` is set, since they are credentials for 60 minutes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            if not secrets and isinstance(value, DownloadOffer) and f.name in ("url", "token"):
                out[f.name] = None if getattr(value, f.name) is None else "***"
                continue
            out[f.name] = to_jsonable(getattr(value, f.name), secrets=secrets)
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v, secrets=secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v, secrets=secrets) for v in value]
    return value
