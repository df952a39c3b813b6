"""POST download/pidimage: sessionalized download URLs for 1 to 5 image GUIDs of one metadata transaction.

Each image gets either a URL (with advisories as SW_ADV_IMAGE / DEF_ADV_IMAGE beside it) or exceptions and no
URL: the catalog's restriction (CONTRACT_*, LOGIN_*, ...), K9_REJECTED for a crypto image once the K9 form was
answered as an entity export rules refuse, or the forms still to accept, worded as the spec's table words them:
``..._FORM_AR`` while a form has been neither accepted nor rejected (never answered, or answered for an older
version), ``..._FORM_ACC`` once it has been declined, ``K9_EULA_FORM_AR`` when both are unanswered. The forms
themselves come in ``acceptanceForm``: ``{"k9": {subAppVersion, k9Content, userDetails, webForm}, "eula":
{subAppVersion, eulaContent, webForm}}``, each present only when some image of the request needs it.

A request naming a deleted image (``isDeleted`` "Y") fails as a whole with the spec's request error
``SW_NO_LONGER_AVL`` (HTTP 401): the table lists it as a request error, not as a per-image exception.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from portal.cisco.simulator.catalog import GUID_RE, Image, Product
from portal.cisco.simulator.forms import eula_form, k9_form
from portal.cisco.simulator.routes import inputs
from portal.cisco.simulator.state import ACCEPTED, Grant, Transaction, numeric_id
from portal.cisco.simulator.wire import Request, Response, app_error, image_exception, json_response

if TYPE_CHECKING:
    from portal.cisco.simulator.app import Simulator

TITLE = "GET Software Download URLs by PID"
DEFAULT_PATH = "/pcgi-bin/swdld/download.cgi"
CLOUD_PREFIX = "/files/swc/sec/"
_FORMS_OF = {
    "K9_FORM_AR": {"k9"},
    "K9_FORM_ACC": {"k9"},
    "EULA_FORM_AR": {"eula"},
    "EULA_FORM_ACC": {"eula"},
    "K9_EULA_FORM_AR": {"k9", "eula"},
}


def _guids(body: dict[str, Any]) -> list[str]:
    value = inputs.get(body, "imageGuids")
    if inputs.is_blank(value):
        raise app_error("IMAGE_GUID_MISSING")
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise app_error("IMAGE_GUID_INVALID")
    if len(value) > inputs.MAX_NAMES:  # what was sent, duplicates included
        raise app_error("IMAGE_LIMIT_EXCEEDED")
    guids = list(dict.fromkeys(v.strip().upper() for v in value))
    if any(not GUID_RE.fullmatch(g) for g in guids):
        raise app_error("IMAGE_GUID_INVALID")
    return guids


def _mdf_id(body: dict[str, Any]) -> str:
    value = inputs.get(body, "mdfId")
    if isinstance(value, list):
        if len(value) > 1:
            raise app_error("MDFID_LIMIT_EXCEEDED")
        value = value[0] if value else None
    if inputs.is_blank(value):
        raise app_error("MDFID_MISSING")
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit():
        raise app_error("MDFID_INVALID")
    return text


def _transaction(sim: Simulator, body: dict[str, Any], client_id: str, product: Product) -> Transaction:
    trans_id = inputs.text(body, "metadataTransId", "MTRANSID_MISSING")
    txn = sim.state.transaction(trans_id)
    if txn is None or txn.client_id != client_id:
        raise app_error("INVALID_MTRANSID")
    if sim.config.strict and txn.pid != product.pid:
        raise app_error("INVALID_MTRANSID", detail=f"This metadataTransId was issued for {txn.pid}, not {product.pid}.")
    if txn.expired(sim.clock.now()):
        raise app_error("MTRANSID_EXPIRED")
    return txn


def _images(sim: Simulator, product: Product, txn: Transaction, guids: list[str]) -> list[Image]:
    own = {row.image.guid: row.image for row in sim.catalog.rows(product)}
    images = []
    for guid in guids:
        if guid not in txn.guids or guid not in own:
            raise app_error("IMAGE_GUID_INVALID", detail=f"{guid} was not returned by this metadataTransId.")
        images.append(own[guid])
    return images


def url_of(request: Request, grant: Grant, image: Image) -> str:
    """The URL a grant is reached by: download.cgi (default) or the cloud path.

    A cloud URL carries a query string like the spec's sample (``...tar.gz?ip=...&dtrTag=...&__gda__=...``),
    so a client appending ``&access_token=...`` to it, as the spec tells clients to, still names the file;
    ``__gda__`` is checked when the URL is used, as a CDN checks its signed URLs.
    """
    if grant.delivery == "cloud":
        query = urlencode(
            [
                ("ip", request.peer or "127.0.0.1"),
                ("dtrTag", f"4_SDSP_{grant.signature[:7]}"),
                ("userid", grant.client_id),
                ("ak-org", "2w_ue"),
                ("SEC", "Y"),
                ("tenant-id", "asd"),
                ("client", "NA"),
                ("__gda__", grant.signature),
            ]
        )
        return f"{request.base_url}{CLOUD_PREFIX}{grant.code}/{quote(image.name)}?{query}"
    return f"{request.base_url}{DEFAULT_PATH}?dwnld_code={grant.code}"


def form_codes(needs_k9: bool, k9: str | None, eula: str | None) -> list[str]:
    """The exception codes for forms not accepted: _AR when unanswered, _ACC when declined (spec's wording)."""
    k9_open = needs_k9 and k9 != ACCEPTED
    eula_open = eula != ACCEPTED
    if k9_open and eula_open and k9 is None and eula is None:
        return ["K9_EULA_FORM_AR"]
    codes = []
    if k9_open:
        codes.append("K9_FORM_AR" if k9 is None else "K9_FORM_ACC")
    if eula_open:
        codes.append("EULA_FORM_AR" if eula is None else "EULA_FORM_ACC")
    return codes


def _one(sim: Simulator, request: Request, client_id: str, session_id: str, image: Image) -> tuple[dict, set[str]]:
    """The downloads entry of one image and the forms it needs."""
    entry: dict[str, Any] = {"url": "", "token": "", "imageGuid": image.guid, "imageName": image.name, "exception": []}
    if image.restriction:
        entry["exception"].append(image_exception(image.restriction))
        return entry, set()
    k9 = sim.state.form_status(client_id, "k9")
    eula = sim.state.form_status(client_id, "eula")
    if image.crypto and k9 == ACCEPTED and sim.state.export_refused(client_id):
        entry["exception"].append(image_exception("K9_REJECTED"))
        return entry, set()
    codes = form_codes(image.crypto, k9, eula)
    if codes:
        entry["exception"] += [image_exception(code) for code in codes]
        return entry, set().union(*(_FORMS_OF[code] for code in codes))
    grant = sim.state.new_grant(
        session_id=session_id, client_id=client_id, guid=image.guid, delivery=image.delivery, now=sim.clock.now()
    )
    entry["url"] = url_of(request, grant, image)
    entry["token"] = grant.cloud_token
    if str(image.fields.get("softwareAdvisory") or ""):
        entry["exception"].append(image_exception("SW_ADV_IMAGE"))
    if str(image.fields.get("deferralNotice") or ""):
        entry["exception"].append(image_exception("DEF_ADV_IMAGE"))
    return entry, set()


def pidimage(sim: Simulator, request: Request, client_id: str) -> Response:
    """POST download/pidimage."""
    body = request.json()
    inputs.refuse_loose(sim.config.strict, "download/pidimage", body)
    pid = inputs.pid(body)
    mdf_id = _mdf_id(body)
    if inputs.is_blank(inputs.get(body, "metadataTransId")):
        raise app_error("MTRANSID_MISSING")
    guids = _guids(body)
    product = sim.catalog.product(pid)
    if product is None:
        raise app_error("PID_INVALID")
    txn = _transaction(sim, body, client_id, product)
    if product.mdf_id != mdf_id:
        raise app_error("MDFID_INVALID")
    images = _images(sim, product, txn, guids)
    if any(image.deleted for image in images):
        raise app_error("SW_NO_LONGER_AVL", detail="A requested image is deleted (isDeleted Y).")
    session_id = numeric_id()
    downloads, needed = [], set()
    for image in images:
        entry, forms = _one(sim, request, client_id, session_id, image)
        downloads.append(entry)
        needed |= forms
    acceptance: dict[str, Any] = {}
    if "k9" in needed:
        client = sim.auth.client(client_id)
        acceptance["k9"] = k9_form(sim.state.k9_version, client.user_details() if client else {})
    if "eula" in needed:
        acceptance["eula"] = eula_form(sim.state.eula_version)
    payload = {
        "pagination": {"pageIndex": 1, "lastIndex": 1, "totalRecords": len(downloads), "pageRecords": len(downloads)},
        "selfLink": request.self_link(),
        "title": TITLE,
        "sessionId": session_id,
        "acceptanceForm": acceptance,
        "downloads": downloads,
    }
    return json_response(200, payload)
