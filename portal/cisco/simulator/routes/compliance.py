"""GET and POST compliance/k9 and compliance/eula: the forms and a client's decisions on them.

A POST records the decision against the form's current ``subAppVersion``. Invalid input answers HTTP 400 with
the error body plus ``"statusCode": "INVALID_INPUT"`` (the spec's compliance responses carry a statusCode).
A K9 form answered as a Government/Military entity outside the listed countries is recorded as refused by
export rules, which is what makes Cisco refuse crypto images with K9_REJECTED.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portal.cisco.errors import error_code
from portal.cisco.simulator.forms import eula_form, k9_form
from portal.cisco.simulator.routes import inputs
from portal.cisco.simulator.state import ACCEPTED, DECLINED, FormDecision
from portal.cisco.simulator.wire import ApiError, Request, Response, app_error, json_response

if TYPE_CHECKING:
    from portal.cisco.simulator.app import Simulator

SUCCESS = {"statusCode": "0", "statusMessage": "success"}
_STATUSES = {"accepted": ACCEPTED, "declined": DECLINED}
_BUSINESS = {"COMM_OR_CIVIL", "GOV_OR_MIL"}
_COUNTRIES = {"GOV_OR_MIL_COUNTRIES_YES", "GOV_OR_MIL_COUNTRIES_NO", "GOV_OR_MIL"}


def _invalid(detail: str) -> ApiError:
    entry = error_code("INVALID_INPUT")
    message = entry.message if entry else detail
    return app_error("INVALID_INPUT", detail=detail, statusCode="INVALID_INPUT", statusMessage=message)


def _body(sim: Simulator, request: Request, endpoint: str) -> dict[str, Any]:
    try:
        body = request.json()
        inputs.refuse_loose(sim.config.strict, endpoint, body)
    except ApiError as exc:
        if exc.body.get("errorCode") == "INVALID_INPUT":
            raise _invalid(str(exc.body.get("detail", ""))) from None
        raise
    return body


def _common(sim: Simulator, body: dict[str, Any], form: str) -> tuple[str, str, str]:
    """(status, declineComments, fileNames) with the checks both forms share."""
    status = _STATUSES.get(inputs.optional_text(body, "status").lower())
    if status is None:
        raise _invalid("status must be Accepted or Declined.")
    comments = inputs.optional_text(body, "declineComments")
    if status == DECLINED and not comments:
        raise _invalid("declineComments is mandatory when status is Declined.")
    version = inputs.optional_text(body, "subAppVersion")
    current = sim.state.k9_version if form == "k9" else sim.state.eula_version
    if version and version != current:
        raise _invalid(f"subAppVersion {version} is not the current version of the form ({current}).")
    return status, comments, inputs.optional_text(body, "fileNames")


def k9(sim: Simulator, request: Request, client_id: str) -> Response:
    """GET: the K9 form for this client; POST: record the client's K9 decision."""
    if request.method == "GET":
        details = sim.auth.client(client_id)
        user = details.user_details() if details else {}
        return json_response(200, {**SUCCESS, **k9_form(sim.state.k9_version, user)})
    body = _body(sim, request, "compliance/k9")
    status, comments, file_names = _common(sim, body, "k9")
    if inputs.optional_text(body, "confirm").upper() != "CONFIRM_CHECKED":
        raise _invalid("confirm must be CONFIRM_CHECKED.")
    business = inputs.optional_text(body, "busFunction").upper()
    if business not in _BUSINESS:
        raise _invalid("busFunction must be COMM_OR_CIVIL or GOV_OR_MIL.")
    countries = inputs.optional_text(body, "govMilCountries").upper()
    if countries and countries not in _COUNTRIES:
        raise _invalid("govMilCountries must be GOV_OR_MIL_COUNTRIES_YES or GOV_OR_MIL_COUNTRIES_NO.")
    # Export rules refuse such an entity whatever it answered: crypto images then get K9_REJECTED.
    refused = business == "GOV_OR_MIL" and countries != "GOV_OR_MIL_COUNTRIES_YES"
    decision = FormDecision(status, sim.state.k9_version, sim.clock.now(), comments, file_names, refused)
    sim.state.record_decision(client_id, "k9", decision)
    return json_response(200, dict(SUCCESS))


def eula(sim: Simulator, request: Request, client_id: str) -> Response:
    """GET: the EULA; POST: record the client's EULA decision."""
    if request.method == "GET":
        return json_response(200, {**SUCCESS, **eula_form(sim.state.eula_version)})
    status, comments, file_names = _common(sim, _body(sim, request, "compliance/eula"), "eula")
    decision = FormDecision(status, sim.state.eula_version, sim.clock.now(), comments, file_names)
    sim.state.record_decision(client_id, "eula", decision)
    return json_response(200, dict(SUCCESS))
