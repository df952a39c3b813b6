"""The ASD API v4.0 error codes, as data shared by the client and the simulator.

One table, two users: the simulator answers with these codes, statuses and messages, and the client
recognises them, so neither keeps its own copy. Everything here is copied from the spec's "Error Codes"
section (the repository keeps a copy of the spec in ``tests/data/spec/cisco-asd-api-v4.0.txt``); messages are
verbatim, typos included ("atleast", "your your"), because the real service sends them that way.

* ``ERROR_CODES`` / :func:`error_code` -- the "Application specific error codes" table, by token.
  Codes with HTTP status 200 are per-image exceptions: they appear in an image's ``exception`` list of a
  successful response (kind ``IMAGE``); the others fail the whole request (kind ``REQUEST``).
* ``GENERIC_ERRORS`` / :func:`generic_errors` -- the "Generic HTTP Status codes" table (gateway-level
  errors, keyed by status and message; messages repeat, e.g. two different 403 ``Not Authorized``).
* :class:`ImageOutcome` / :func:`image_outcome` / :func:`combined_outcome` -- what a per-image exception
  means for a download: a form to accept, a warning only, or a refusal.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "ACCOUNT_INACTIVE",
    "BAD_REQUEST",
    "ERROR_CODES",
    "FORBIDDEN",
    "GENERIC_ERRORS",
    "GENERIC_TABLE_NOTE",
    "IMAGE_OUTCOMES",
    "NOT_AUTHORIZED",
    "QPS_LIMIT_MESSAGE",
    "RATE_LIMIT_EXCEEDED_MESSAGE",
    "RATE_LIMIT_MESSAGE",
    "SAMPLE_ONLY_CODES",
    "ErrorCode",
    "ErrorKind",
    "GenericError",
    "ImageOutcome",
    "combined_outcome",
    "error_code",
    "generic_error",
    "generic_errors",
    "image_outcome",
]


class ErrorKind(enum.StrEnum):
    """Where an application error code appears on the wire."""

    REQUEST = "request"  # a non-200 answer: the whole call failed
    IMAGE = "image"  # HTTP 200, inside one image's "exception" list


@dataclass(frozen=True)
class ErrorCode:
    """One row of the spec's application error table: token, HTTP status, verbatim message, kind."""

    code: str
    http_status: int
    message: str
    kind: ErrorKind


@dataclass(frozen=True)
class GenericError:
    """One row of the spec's generic HTTP status table (answered by the API gateway, not the service)."""

    http_status: int
    message: str
    description: str


def _code(http_status: int, code: str, message: str) -> ErrorCode:
    kind = ErrorKind.IMAGE if http_status == 200 else ErrorKind.REQUEST
    return ErrorCode(code=code, http_status=http_status, message=message, kind=kind)


# The spec's "Application specific error codes" table, row for row: "<status> <token> <message>".
# A line indented by four spaces continues the row above (wrapped here for the line length; joined with one
# space). A line with neither status nor indent is a line break inside the spec's own cell (CONTRACT_IMG_DWLD)
# and is kept as one. Quirks kept on purpose: SER_UNEXPECT_FAIL is listed twice (identical), and
# "Maximum_pid_names 5" is a limit (5 PIDs), not an error token.
_SPEC_TABLE = """\
400 UDI_INVALID udi provided in the request is invalid. Please invoke the service with the valid udi.
400 PID_INVALID pid provided in the request is invalid. Please invoke the service with the valid pid.
400 MDFID_INVALID mdfId provided in the request is invalid. Please invoke the service with the valid mdfId.
400 IMG_NM_INVALID imageName provided is invalid. Please provide the valid imageName.
400 SWTID_INVALID softwareTypeId provided is invalid. Please provide a valid softwareTypeId.
400 OP_INVALID operating_platform provided is invalid. Please provide a valid operating_platform.
400 INVALID_INPUT Invalid input or No data found for the input provided.
400 INVALID_MTRANSID Invalid metadata_trans_id.
400 INVALID_DWLDSID Invalid download_session_id.
400 INVALID_DRETRYID Invalid download_retry_id.
400 NO_DATA_FOUND_FOR_PID No Data Found for the PID.
500 SER_UNEXPECT_FAIL Service has encountered an unexpected failure.Please contact the support with the data
    requested.
400 IMAGE_GUID_INVALID The image_guid provided in the request is invalid. Please provide a valid image_guid.
401 SW_NO_LONGER_AVL Software for this product is no longer available.
400 SWT_NOT_PUBLISHED software_type_id provided is not published to Cisco.com. Please provide a valid
    software_type_id.
401 PROD_REG_NA The product needs to be registered and approved to call the Service. Please contact the support
    team swc-it-support@cisco.com to get the product associated with the service.
401 PROD_REG_AV Your client id does not have access to call the service requested. Please register a new client id
    to call the service. Please contact the support team swc-it-support@cisco.com in case of additional questions.
401 DNAC_REG_REQ App needs to be registered to call the Service. Please contact the support team
    swc-it-support@cisco.com to get the app associated with the service.
400 UDI_MISSING udi is missing in the request. Please provide the udi of the requested device.
400 PID_MISSING pid is missing in the request. Please provide a valid pid in the request.
400 MDFID_MISSING mdfId is missing in the request. Please provide a valid mdfId in the request.
400 SWTID_MISSING softwareTypeId not provided. Please provide a valid softwareTypeId.
400 CUR_REL_MISSING currentReleaseVersion is missing in the request. Please provide a valid releaseVersion in the
    request.
400 REL_MISSING release is missing in the request. Please provide a valid release in the request.
400 OUTPUT_REL_INVALID output_release value provided in the request is invalid. Please invoke the service with the
    valid output_release.
400 OUT_REL_MISSING output_release value provided in the request is invalid. Please invoke the service with the
    valid output_release.
400 IMG_NM_MISSING imageNames is missing in the request. Please provide atleast one valid imageNames.
400 MTRANSID_MISSING metadata_trans_id is missing in the request. Please provide a valid metadata_trans_id in the
    request.
400 IMAGE_LIMIT_EXCEEDED The number of image names entered in the request has exceeded the limit.
400 MDFID_LIMIT_EXCEEDED The number of MDF Ids entered in the request has exceeded the limit
400 PID_LIMIT_EXCEEDED The number of PIDs entered in the request has exceeded the limit
400 Maximum_pid_names 5
400 MTRANSID_EXPIRED metadata_trans_id had been previously granted that has expired due to time limit on its
    validity. Please invoke the metadata service and initiate the download.
404 NO_DATA_FOUND No Data Found.
400 IMAGE_GUID_MISSING image_guid is missing in the request. Please provide a valid image_guid in the request.
200 IMG_CONTRACT_REQD This image is contract registered. A valid Cisco service contract is required to download
    software. The image information is provided by this service but you would not be able to get the Image
    Download URL from the download service .You can add the service contracts to your profile using the Profile
    Manager, or have your service access administrator do this for you.
200 IMG_K9 This image is cryptographic. The image information is provided by this service but you would not be
    able to get the Image Download URL from the download service your attempt to download the strong encryption
    software has not been approved or has been temporarily disabled. This is due to one of the following
    conditions: You stated that you are a Government entity You did not agree to the conditions listed in the
    Cisco Systems, Inc. Encryption Software Registration Form. You stated you are a Military entity or Defense
    Contractor and therefore need to complete the following: You stated you are from or in an embargo/restricted
    country. To discuss why you believe that you should have access to strong crypto software, email
    tradeopscpr@cisco.com.
200 CONTRACT_NOT_AUTH Cisco service contract information indicates you are not authorized to download software for
    the following product(s):
200 SW_ADV_IMAGE SA associated with Image
200 DEF_ADV_IMAGE Deferral Advisory associated with Image
200 CONTRACT_LOGIN To Download this software, you must Log In and have a valid service contract associated to your
    Cisco.com profile. The image information is provided by this service but you would not be able to get the
    Image Download URL from the download service.If you do not have a service contract you can get one through:
    Your Cisco Account Team if you have a direct purchase agreement with Cisco Or your Cisco Partner or Reseller.
    Once you have the service contract you must associate your service contract to your Cisco.com user ID with
    Profile Manager.
200 CONTRACT_ACCESS You do not have access to download contract registered software. Go to OnRamp to request a new
    account for Software Download. Request access by navigating the following path: New Account Request > Request
    For Myself > Cisco Service > Software Download and Special File Publishing Access-> Software Download Access
200 CONTRACT_IMG_REQ A Cisco service contract is required to download this software. The image information is
    provided by this service but you would not be able to get the Image Download URL from the download service.
    Your Cisco Account Team if you have a direct purchase agreement with Cisco Your Cisco Partner or Reseller You
    can add the service contracts to your profile using the Profile Manager have your service access administrator
    do this for you.
200 CONTRACT_IMG_DWLD A valid Cisco service contract is required to download software.
You can add the service contracts to your profile using the Profile Manager, or have your service access
    administrator do this for you.
200 DWLD_WARN You are receiving this warning message because our records indicates that you may not be authorized
    to download for the following product(s)
200 DWLD_WARN1 If you feel this message is in error, please: Associate the relevant service contract to your Cisco
    user ID, using the Cisco Profile Manager, or consult your service contract administrator. Contact your Cisco
    representative, Partner or Reseller to ensure product(s) listed above are covered on a service contract or
    subscription that is associated to your Cisco.com user ID. The Partner Locator link may assist in locating
    your nearest partner. Email technical support mailto:ent-dl@cisco.com for 24x7 assistance. To expedite your
    request, please include the following information: User ID (Cisco.com ID used to download software) Contact
    Name Company Name Contract Number Product ID Desired Software Release or File Name Please include the above
    message in your email.
200 DWLD_WARN2 Please follow one of the options below to ensure that you are fully covered for service in the
    future and that your Cisco.com profile is accurate and up-to-date: Contact your Cisco representative, partner
    or reseller to ensure the products listed above are covered on a service contract that is associated with your
    Cisco.com profile. The Partner Locator may assist in locating the nearest partner. You can add the service
    contracts for these products to your profile using the Cisco Profile Manager, or have your service access
    administrator do this for you. Your prompt attention to take action per this notice is appreciated in order to
    avoid unnecessary interruptions or delays in the process of downloading software.
200 CONTRACT_REQ_DWLD A valid Cisco service contract is required to download software.
200 IP_CHECK_FAIL We are sorry, but analysis of your your internet protocol (IP) address does not permit us to
    complete this transaction because it is originating from a territory that is not authorized to receive Cisco
    products without a government issued license. If you believe this is an error please email
    tradeopscpr@cisco.com for assistance and include the error code and transaction number listed below. If you
    are in a non-authorized territory, and need help with export licenses, please contact tradeopscpr@cisco.com.
    (Non-authorized territories are Cuba, Iran, Iraq, Libya, North Korea, Syria, and Sudan.).
200 K9_REJECTED Your attempt to download software has not been approved or has been temporarily disabled. This is
    due to one of the following conditions:You stated that you are a Government entity. You did not agree to the
    conditions listed in the Cisco Systems, Inc. Encryption Software Registration Form. You stated you are a
    Military entity or Defense Contractor. You stated you are from or in an embargo/restricted country. We are
    reviewing the information that you provided. Please try downloading after 4 hours. To discuss why you believe
    that you should have access to this software, email tradeopscpr@cisco.com.
200 CONTRACT_REJECTED Cisco service contract information indicates you are not authorized to download software for
    the requested image.
200 C3_USERID_NMAP UserId not mapped in C3.
200 K9_IMG_DWLD This image is cryptographic. The image information is provided by this service but you would not
    be able to get the Image Download URL from the download service until the software encryption agreement is
    accepted.
200 LOGIN_IMG_DWLD To Download this software, you must Log In with your Cisco.com user ID. The image information
    is provided by this service but you would not be able to get the Image Download URL from the download service.
200 LOGIN_CONTRACT_REQ To Download this software, you must Log In and have a valid service contract associated to
    your Cisco.com profile. If you do not have a service contract you can get one through: Your Cisco Account Team
    if you have a direct purchase agreement with Cisco or your Cisco Partner or Reseller. Once you have the
    service contract you must associate your service contract to your Cisco.com user ID with Profile Manager.
200 LOGIN_REQD To Download this software, you must Log In with your Cisco.com user ID.
200 CONTRACT_REQD_DWLD To Download this software, you must have a valid service contract associated to your
    Cisco.com profile. If you do not have a service contract you can get one through: Your Cisco Account Team if
    you have a direct purchase agreement with Cisco or your Cisco Partner or Reseller. Once you have the service
    contract you must associate your service contract to your Cisco.com user ID with Profile Manager.
200 K9_FORM_AR K9 form have not been accepted or rejected to continue download.
200 EULA_FORM_AR Eula form have not been accepted or rejected to continue download.
200 K9_FORM_ACC K9 form have not been accepted to continue download.
200 EULA_FORM_ACC EULA form have not been accepted to continue download.
200 K9_EULA_FORM_AR Both Eula and k9 form have not been accepted or rejected to continue download.
500 SER_UNEXPECT_FAIL Service has encountered an unexpected failure.Please contact the support with the data
    requested.
401 INVALID_OUTPUT_RELEASE Release Version value cannot be empty. Please provide a release version associated to
    the MDF and Software type
200 CPR_ADDRESS_EXCEPTION_MSG Thank you for registering with Cisco.com. In order to consume software or services
    we require your full address. Please follow this link to return to profile manager to complete your profile.
"""


def _parse_table(text: str) -> tuple[ErrorCode, ...]:
    rows: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("    "):
            rows[-1][2] += " " + line.strip()
        elif line[:3].isdigit() and line[3:4] == " ":
            status, code, message = line.split(" ", 2)
            rows.append([status, code, message])
        else:
            rows[-1][2] += "\n" + line
    entries: dict[str, ErrorCode] = {}
    for status, code, message in rows:
        entry = _code(int(status), code, message)
        # Repeated rows must agree, or the table would mean two things.
        if entries.setdefault(code, entry) != entry:
            raise ValueError(f"conflicting rows for {code}")
    return tuple(entries.values())


_TABLE: tuple[ErrorCode, ...] = (
    *_parse_table(_SPEC_TABLE),
    # Not in the spec's table: the spec's own pidrelease/pidimage samples answer it (message from the sample).
    _code(
        200,
        "IAC_ERROR",
        'You do not have access to download contract registered software. Go to <a title="ART" '
        'href="https://edsart.cloudapps.cisco.com/createRequest" target="_blank">ART</a> to request a new '
        "account for Software Download. Request access by navigating the following path: Cisco Service > "
        "Connected Experience (CX) > Delivery & Tools Support > Software Download and Special File Publishing "
        "Access > Software Download Access",
    ),
)

ERROR_CODES: dict[str, ErrorCode] = {entry.code: entry for entry in _TABLE}
"""Every application error code, by token."""

SAMPLE_ONLY_CODES: frozenset[str] = frozenset({"IAC_ERROR"})
"""Codes known from the spec's samples but missing from its error table."""


def error_code(code: str) -> ErrorCode | None:
    """The table row for an application error token (exact, case-sensitive), or None if unknown."""
    return ERROR_CODES.get(code)


# Messages of the generic table that callers test for (the 403s are told apart only by their message).
BAD_REQUEST = "Bad Request"
NOT_AUTHORIZED = "Not Authorized"
FORBIDDEN = "Forbidden"
ACCOUNT_INACTIVE = "Account Inactive"
QPS_LIMIT_MESSAGE = "Account Over Queries Per Second Limit"
RATE_LIMIT_MESSAGE = "Account Over Rate Limit"
RATE_LIMIT_EXCEEDED_MESSAGE = "Rate Limit Exceeded"

GENERIC_ERRORS: tuple[GenericError, ...] = (
    GenericError(400, BAD_REQUEST, "Request does not conform to HTTP protocol."),
    GenericError(403, NOT_AUTHORIZED, "Token is invalid."),
    GenericError(403, FORBIDDEN, "You do not have permission to access the requested method or object."),
    GenericError(
        403,
        NOT_AUTHORIZED,
        "The API key associated with your request was not recognized, or the signature was incorrect.",
    ),
    GenericError(
        403,
        ACCOUNT_INACTIVE,
        "The API key you are using to access the Mashery API has not been approved or has been disabled.",
    ),
    GenericError(
        403,
        QPS_LIMIT_MESSAGE,
        "The API key you are using has attempted to access the API too many times in one second.",
    ),
    GenericError(
        403,
        RATE_LIMIT_MESSAGE,
        "The API key you are using has attempted to access the API too many times in the rate limiting period.",
    ),
    GenericError(403, RATE_LIMIT_EXCEEDED_MESSAGE, "The service you have requested is over capacity."),
    GenericError(403, "Unknown Referrer", "Unknown referrer."),
    GenericError(403, "Service requires SSL", "The service requires SSL."),
    GenericError(404, "API_UNAVAILABLE", "Service is not configured in JVM."),
    GenericError(414, "Request URI Too Long", "The request URI is too long."),
    GenericError(415, "INVALID_MEDIATYPE", "Unsupported media type input by the user."),
    GenericError(500, "API_UNAVAILABLE", "Database is down or currently unavailable."),
    GenericError(500, "UNKNOWN_FAILURE", "Generic error."),
    GenericError(500, "SYSTEM_ERROR", "Error while request data transformation to JSON."),
    GenericError(500, "SYSTEM_ERROR", "SQL exception while invoking backend procedure."),
    GenericError(500, "SYSTEM_ERROR", "Error while writing the data to HTTP response."),
    GenericError(500, "Internal Server Error", "An internal server error has occurred (usually from the API)."),
    GenericError(502, "Bad Gateway", "Bad response from the server was received on the backend."),
    GenericError(502, "Proxy Error", "An error from the server was received on the backend"),
    GenericError(503, "API Maintenance/Service Unavailable", "The service is unavailable due to maintenance."),
    GenericError(504, "Gateway Timeout", "The backend service timed out."),
    GenericError(596, "Service Not Found", "The service requested does not exist or is unavailable."),
)
"""The generic HTTP status table, in the spec's order (status, message and description verbatim)."""

GENERIC_TABLE_NOTE = "Most likey spaces were found in the input parameters. Please check the input values."
"""The note printed under the generic table in the spec (verbatim, typo included)."""


def generic_errors(http_status: int) -> tuple[GenericError, ...]:
    """Every generic-table row with this HTTP status (several share one, e.g. 403), in spec order."""
    return tuple(entry for entry in GENERIC_ERRORS if entry.http_status == http_status)


def generic_error(http_status: int, message: str) -> GenericError | None:
    """The first generic-table row with this status and message, or None."""
    return next((e for e in GENERIC_ERRORS if e.http_status == http_status and e.message == message), None)


class ImageOutcome(enum.StrEnum):
    """What one per-image exception means for downloading that image."""

    NEEDS_K9 = "needs_k9"  # accept the K9 (export) form, then ask again
    NEEDS_EULA = "needs_eula"  # accept the EULA, then ask again
    NEEDS_K9_AND_EULA = "needs_k9_and_eula"
    WARNING = "warning"  # informational: the download goes ahead
    K9_REFUSED = "k9_refused"  # the K9 answer on record is refused (declined, or export rules): a new one may do
    BLOCKED = "blocked"  # refused: no form we can accept changes it


_K9 = ImageOutcome.NEEDS_K9
_EULA = ImageOutcome.NEEDS_EULA
_WARN = ImageOutcome.WARNING
_BLOCK = ImageOutcome.BLOCKED

IMAGE_OUTCOMES: dict[str, ImageOutcome] = {
    # Forms still to be accepted: posting the form (compliance/k9, compliance/eula) clears them.
    "K9_FORM_ACC": _K9,
    "K9_FORM_AR": _K9,
    # "...until the software encryption agreement is accepted": a form to accept, not a refusal.
    "K9_IMG_DWLD": _K9,
    "EULA_FORM_ACC": _EULA,
    "EULA_FORM_AR": _EULA,
    "K9_EULA_FORM_AR": ImageOutcome.NEEDS_K9_AND_EULA,
    # Advisories attached to an image that is still delivered (the spec calls them associations, not errors).
    "SW_ADV_IMAGE": _WARN,
    "DEF_ADV_IMAGE": _WARN,
    # DWLD_WARN*: the spec names them warnings ("you are receiving this warning message because ... you
    # *may* not be authorized"; DWLD_WARN2 asks to fix coverage "in the future ... to avoid interruptions"),
    # i.e. a soft-entitlement notice beside a delivered URL. Treating them as refusals would deny software
    # the service actually hands out; if the service gives no URL, the download fails on that instead.
    "DWLD_WARN": _WARN,
    "DWLD_WARN1": _WARN,
    "DWLD_WARN2": _WARN,
    # IMG_K9 says the strong-encryption download "has not been approved or has been temporarily disabled"
    # (government/military/embargo answers): the K9 form was already answered and refused, so accepting a
    # form again would not help.
    "IMG_K9": _BLOCK,
    # K9_REJECTED's conditions are all about the K9 answer on record ("You did not agree to the conditions listed
    # in the ... Encryption Software Registration Form", a government or military entity, an embargoed country):
    # unlike IMG_K9, a new answer to the form can change it.
    "K9_REJECTED": ImageOutcome.K9_REFUSED,
    # Contract, login, entitlement, export and registration refusals: nothing Depot can accept fixes them.
    "IMG_CONTRACT_REQD": _BLOCK,
    "CONTRACT_NOT_AUTH": _BLOCK,
    "CONTRACT_LOGIN": _BLOCK,
    "CONTRACT_ACCESS": _BLOCK,
    "CONTRACT_IMG_REQ": _BLOCK,
    "CONTRACT_IMG_DWLD": _BLOCK,
    "CONTRACT_REQ_DWLD": _BLOCK,
    "CONTRACT_REQD_DWLD": _BLOCK,
    "CONTRACT_REJECTED": _BLOCK,
    "LOGIN_IMG_DWLD": _BLOCK,
    "LOGIN_CONTRACT_REQ": _BLOCK,
    "LOGIN_REQD": _BLOCK,
    "IP_CHECK_FAIL": _BLOCK,
    "C3_USERID_NMAP": _BLOCK,
    "CPR_ADDRESS_EXCEPTION_MSG": _BLOCK,
    "IAC_ERROR": _BLOCK,
    # Request errors in the table (not 200 codes): should one ever come in an image's exception list, it is a
    # refusal all the same.
    "SW_NO_LONGER_AVL": _BLOCK,
    "PROD_REG_NA": _BLOCK,
    "PROD_REG_AV": _BLOCK,
    "DNAC_REG_REQ": _BLOCK,
}
"""Explicit outcome of every per-image exception code; any other code is BLOCKED."""


def image_outcome(code: str) -> ImageOutcome:
    """What a per-image exception code means for the download; unknown codes are BLOCKED (fail closed)."""
    return IMAGE_OUTCOMES.get(code, ImageOutcome.BLOCKED)


def combined_outcome(codes: Iterable[str]) -> ImageOutcome | None:
    """The outcome of all exceptions of one image together, or None when there are none.

    A refusal wins over anything, then a refused K9 answer; otherwise the forms needed add up (K9 and EULA given
    as two codes mean NEEDS_K9_AND_EULA); warnings matter only when nothing else is asked.
    """
    outcomes = {image_outcome(code) for code in codes}
    if not outcomes:
        return None
    for decisive in (ImageOutcome.BLOCKED, ImageOutcome.K9_REFUSED):
        if decisive in outcomes:
            return decisive
    needs_k9 = bool(outcomes & {ImageOutcome.NEEDS_K9, ImageOutcome.NEEDS_K9_AND_EULA})
    needs_eula = bool(outcomes & {ImageOutcome.NEEDS_EULA, ImageOutcome.NEEDS_K9_AND_EULA})
    if needs_k9 and needs_eula:
        return ImageOutcome.NEEDS_K9_AND_EULA
    if needs_k9:
        return ImageOutcome.NEEDS_K9
    if needs_eula:
        return ImageOutcome.NEEDS_EULA
    return ImageOutcome.WARNING
