"""From the wire to :mod:`portal.cisco.payloads`: the spec's quirks handled in one place.

Quirks: ids and sizes arrive as strings or numbers (``"size": "1048197"`` vs ``"imageSize": 17``); flags are
``"Y"``/``"N"``; missing dates are ``""``; field names vary between the tables and the samples
(``lifeCycle``/``lifecycle``, ``md5``/``Md5``, ``fieldNotice``/``fieldNoticeUrl``, ``name``/``Name`` in
``imageDocs``). Each builder reads the names it knows (every spelling) and keeps the rest in ``extra``.
Lenient by design: a value that cannot be read becomes None/""/False rather than failing a whole page,
because the catalog must not be lost over one odd field; shape errors (a list where an object belongs)
raise :class:`~portal.cisco.exceptions.ProtocolError`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Any

from portal.cisco.errors import combined_outcome, image_outcome
from portal.cisco.exceptions import ProtocolError
from portal.cisco.payloads import (
    Doc,
    DownloadOffer,
    DownloadUrls,
    EulaForm,
    Image,
    ImageException,
    ImageStatus,
    ImageStatusResult,
    K9Form,
    Pagination,
    ReleasePage,
    ReleaseRecord,
    SubmitResult,
    UserDetails,
)

__all__ = [
    "as_bool",
    "as_date",
    "as_int",
    "download_urls",
    "eula_form",
    "image_status_result",
    "k9_form",
    "release_page",
    "submit_result",
]

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def as_int(value: Any) -> int | None:
    """An int from an int or a string of digits; None for "", None or anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def as_bool(value: Any) -> bool:
    """True for "Y"/"y"/"Yes"/"true"/True; False for "N", "", None and anything else."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() in {"y", "yes", "true"}


def as_date(value: Any) -> dt.date | None:
    """A date from ``yyyy-mm-dd`` (a time part after it is ignored); None for "" or anything unreadable."""
    if isinstance(value, str) and (match := _ISO_DATE.match(value.strip())):
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    return None


def as_str(value: Any) -> str:
    """A string; None becomes "" and numbers their decimal text."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


class _Fields:
    """Reads known fields by any of their spellings, remembering which wire keys were consumed."""

    def __init__(self, data: Any, what: str) -> None:
        if not isinstance(data, Mapping):
            raise ProtocolError(f"expected an object for {what}, got {type(data).__name__}")
        self.data = data
        self.what = what
        self.used: set[str] = set()

    def get(self, *names: str, default: Any = None) -> Any:
        for name in names:
            if name in self.data:
                self.used.add(name)
                return self.data[name]
        self.used.update(names)
        return default

    def list(self, *names: str) -> list[Any]:
        value = self.get(*names, default=None)
        if value is None or value == "":
            return []
        if not isinstance(value, list):
            raise ProtocolError(f"expected a list for {self.what}.{names[0]}, got {type(value).__name__}")
        return value

    def extra(self, *also_used: str) -> dict[str, Any]:
        skip = self.used | set(also_used)
        return {key: value for key, value in self.data.items() if key not in skip}


def _docs(items: list[Any], what: str) -> tuple[Doc, ...]:
    docs = []
    for item in items:
        f = _Fields(item, what)
        docs.append(
            Doc(
                name=as_str(f.get("name", "Name")),
                type=as_str(f.get("type", "Type")),
                url=as_str(f.get("url", "Url", "URL")),
                extra=f.extra(),
            )
        )
    return tuple(docs)


def image_exceptions(items: Any) -> tuple[ImageException, ...]:
    """Per-image exceptions; a single object instead of a list is accepted too."""
    if isinstance(items, Mapping):
        items = [items]
    if not isinstance(items, list):
        return ()
    result = []
    for item in items:
        f = _Fields(item, "exception")
        code = as_str(f.get("code", "Code")).strip()
        message = as_str(f.get("message", "Message"))
        result.append(ImageException(code=code, message=message, outcome=image_outcome(code)))
    return tuple(result)


def _image(data: Any) -> Image:
    f = _Fields(data, "image")
    return Image(
        image_guid=as_str(f.get("imageGuid", "imageGUID")),
        name=as_str(f.get("name", "imageName")),
        size=as_int(f.get("size", "imageSize")),
        md5=as_str(f.get("md5", "Md5", "MD5")),
        sha512=as_str(f.get("sha512", "Sha512", "SHA512")),
        image_description=as_str(f.get("imageDescription")),
        feature_set_description=as_str(f.get("featureSetDescription")),
        min_dram=as_str(f.get("minDram")),
        min_flash=as_str(f.get("minFlash")),
        encryption_software=as_bool(f.get("encryptionSoftwareIndicator")),
        is_deleted=as_bool(f.get("isDeleted", "sDeleted")),
        deleted_date=as_date(f.get("deletedDate")),
        release_date=as_date(f.get("releaseDate")),
        is_related=as_bool(f.get("isRelated", "isReleated")),
        software_advisory=as_str(f.get("softwareAdvisory")),
        deferral_notice=as_str(f.get("deferralNotice")),
        migration_release_version=as_str(f.get("migrationReleaseVersion")),
        migration_target_retirement_date=as_date(f.get("migrationTargetRetirementDate")),
        migration_release_lifecycle=as_str(f.get("migrationReleaseLifeCycle", "migrationReleaseLifecycle")),
        additional_entitlement=as_bool(f.get("additionalEntitlement")),
        psirt_indicator=as_bool(f.get("psirtIndicator")),
        docs=_docs(f.list("docs", "imageDocs"), "image.docs"),
        exceptions=image_exceptions(f.get("exception", "exceptions", default=[])),
        extra=f.extra(),
    )


def pagination(data: Any) -> Pagination | None:
    """The pagination block, or None when absent."""
    if not isinstance(data, Mapping):
        return None
    f = _Fields(data, "pagination")
    page_index = as_int(f.get("pageIndex")) or 1
    return Pagination(
        page_index=page_index,
        last_index=as_int(f.get("lastIndex")) or page_index,
        total_records=as_int(f.get("totalRecords")) or 0,
        page_records=as_int(f.get("pageRecords")) or 0,
    )


def _walk(metadata: list[Any], trans_id: str) -> Iterator[ReleaseRecord]:
    """Flatten metadata[].products[].softwareTypes[].operatingSystems[].releases[] into records."""
    for entry in metadata:
        meta = _Fields(entry, "metadata")
        pid = as_str(meta.get("pid", "PID"))
        for product_data in meta.list("products"):
            product = _Fields(product_data, "product")
            mdf_id, mdf_name = as_int(product.get("mdfId")), as_str(product.get("mdfConceptName"))
            for stype_data in product.list("softwareTypes"):
                stype = _Fields(stype_data, "softwareType")
                st_id, st_name = as_int(stype.get("softwareTypeId")), as_str(stype.get("softwareTypeName"))
                for os_data in stype.list("operatingSystems"):
                    os_fields = _Fields(os_data, "operatingSystem")
                    os_name = as_str(os_fields.get("name", "operatingPlatform"))
                    for release_data in os_fields.list("releases"):
                        yield _record(release_data, pid, mdf_id, mdf_name, st_id, st_name, os_name, trans_id)


def _record(
    data: Any, pid: str, mdf_id: int | None, mdf_name: str, st_id: int | None, st_name: str, os_name: str, tid: str
) -> ReleaseRecord:
    f = _Fields(data, "release")
    return ReleaseRecord(
        pid=pid,
        mdf_id=mdf_id,
        mdf_concept_name=mdf_name,
        software_type_id=st_id,
        software_type_name=st_name,
        operating_system=os_name,
        version=as_str(f.get("version", "releaseVersion")).strip(),
        fcs_date=as_date(f.get("fcsDate")),
        lifecycle=as_str(f.get("lifeCycle", "lifecycle", "LifeCycle")),
        is_suggested=as_bool(f.get("isSuggested")),
        message=as_str(f.get("message")),
        catalog_message=as_str(f.get("catalogMessage")),
        field_notice=as_str(f.get("fieldNotice", "fieldNoticeUrl")),
        security_advisory=as_str(f.get("securityAdvisory")),
        docs=_docs(f.list("docs", "releaseDocs"), "release.docs"),
        images=tuple(_image(image) for image in f.list("images")),
        metadata_trans_id=tid,
        extra=f.extra(),
    )


def release_page(data: Any, received_at: dt.datetime) -> ReleasePage:
    """A page of metadata/pidrelease or metadata/pidimage."""
    f = _Fields(data, "response")
    trans_id = as_str(f.get("metadataTransId")).strip()
    records = tuple(_walk(f.list("metadata"), trans_id))
    page = pagination(f.get("pagination")) or Pagination(1, 1, len(records), len(records))
    return ReleasePage(
        pagination=page,
        metadata_trans_id=trans_id,
        records=records,
        invalid_images=tuple(as_str(name) for name in f.list("invalidImages")),
        received_at=received_at,
        extra=f.extra(),
    )


def _image_status(data: Any) -> ImageStatus:
    f = _Fields(data, "image status")
    return ImageStatus(
        image_name=as_str(f.get("imageName", "name")),
        software_type_id=as_int(f.get("softwareTypeId")),
        software_type_name=as_str(f.get("softwareTypeName")),
        image_size=as_int(f.get("imageSize", "size")),
        md5=as_str(f.get("md5", "Md5", "MD5")),
        sha512=as_str(f.get("sha512", "Sha512", "SHA512")),
        is_deleted=as_bool(f.get("isDeleted")),
        deleted_date=as_date(f.get("deletedDate")),
        release_fcs_date=as_date(f.get("releaseFcsDate", "fcsDate")),
        image_description=as_str(f.get("imageDescription")),
        feature_set_description=as_str(f.get("featureSetDescription")),
        min_dram=as_str(f.get("minDram")),
        min_flash=as_str(f.get("minFlash")),
        encryption_software=as_bool(f.get("encryptionSoftwareIndicator")),
        image_docs=_docs(f.list("imageDocs", "docs"), "imageDocs"),
        exceptions=image_exceptions(f.get("exception", "exceptions", default=[])),
        extra=f.extra(),
    )


def image_status_result(data: Any) -> ImageStatusResult:
    """The answer of metadata/images."""
    f = _Fields(data, "response")
    return ImageStatusResult(
        images=tuple(_image_status(item) for item in f.list("metadata")),
        invalid_images=tuple(as_str(name) for name in f.list("invalidImages")),
        extra=f.extra(),
    )


def _user_details(data: Any) -> UserDetails | None:
    if not isinstance(data, Mapping):
        return None
    f = _Fields(data, "userDetails")
    return UserDetails(
        user_id=as_str(f.get("userId")),
        first_name=as_str(f.get("firstname", "firstName")),
        last_name=as_str(f.get("lastname", "lastName")),
        full_name=as_str(f.get("fullname", "fullName")),
        email=as_str(f.get("userEmail", "email")),
        extra=f.extra(),
    )


def _content(value: Any, what: str) -> Mapping[str, Any]:
    if value is None or value == "":
        return {}
    if not isinstance(value, Mapping):
        raise ProtocolError(f"expected an object for {what}, got {type(value).__name__}")
    return dict(value)


def k9_form(data: Any) -> K9Form:
    """GET compliance/k9."""
    f = _Fields(data, "response")
    return K9Form(
        status_code=as_str(f.get("statusCode")),
        status_message=as_str(f.get("statusMessage")),
        sub_app_version=as_str(f.get("subAppVersion")),
        web_form=as_str(f.get("webForm")),
        content=_content(f.get("k9Content"), "k9Content"),
        user_details=_user_details(f.get("userDetails")),
        raw=dict(f.data),
    )


def eula_form(data: Any) -> EulaForm:
    """GET compliance/eula."""
    f = _Fields(data, "response")
    return EulaForm(
        status_code=as_str(f.get("statusCode")),
        status_message=as_str(f.get("statusMessage")),
        sub_app_version=as_str(f.get("subAppVersion")),
        web_form=as_str(f.get("webForm")),
        content=_content(f.get("eulaContent"), "eulaContent"),
        raw=dict(f.data),
    )


def submit_result(data: Any) -> SubmitResult:
    """POST compliance/k9 or compliance/eula."""
    f = _Fields(data, "response")
    return SubmitResult(
        status_code=as_str(f.get("statusCode")).strip(),
        status_message=as_str(f.get("statusMessage")),
        extra=f.extra(),
    )


def download_urls(data: Any, issued_at: dt.datetime) -> DownloadUrls:
    """The answer of download/pidimage."""
    f = _Fields(data, "response")
    session_id = as_str(f.get("sessionId", "downloadSessionId")).strip()
    offers = []
    for item in f.list("downloads"):
        d = _Fields(item, "download")
        exceptions = image_exceptions(d.get("exception", "exceptions", default=[]))
        offers.append(
            DownloadOffer(
                image_guid=as_str(d.get("imageGuid")),
                image_name=as_str(d.get("imageName", "name")),
                url=as_str(d.get("url", "downloadUrl")).strip() or None,
                token=as_str(d.get("token")).strip(),
                session_id=as_str(d.get("sessionId")).strip() or session_id,
                exceptions=exceptions,
                outcome=combined_outcome(e.code for e in exceptions),
                issued_at=issued_at,
                extra=d.extra(),
            )
        )
    return DownloadUrls(
        session_id=session_id,
        offers=tuple(offers),
        acceptance_form=_content(f.get("acceptanceForm"), "acceptanceForm"),
        pagination=pagination(f.get("pagination")),
        issued_at=issued_at,
        extra=f.extra(),
    )
