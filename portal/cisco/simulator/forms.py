"""The K9 (export) and EULA forms as GET compliance/k9 and compliance/eula deliver them.

Labels and values are those of the spec's samples (typos such as ``confirmantionLabel`` included, since clients
key on them); the HTML of the K9 form is the simulator's own short text.
"""

from __future__ import annotations

from typing import Any

K9_WEB_FORM = "https://software.cisco.com/download/k9"
EULA_WEB_FORM = "https://software.cisco.com/download/eula"

K9_FORM_HTML = (
    "<HTML><BODY><H3>Encryption Software Registration</H3>"
    "<P>The software you are about to download contains strong encryption. Its export, re-export and use are "
    "subject to export control laws. Tell us who will use it and confirm that you will abide by those "
    "laws.</P></BODY></HTML>"
)

K9_CONTENT: dict[str, str] = {
    "k9Form": K9_FORM_HTML,
    "businessDivisionLabel": "Business division's function",
    "commercialCivilianLabel": "Commercial/Civilian entity",
    "CommercialCivilianValue": "COMM_OR_CIVIL",
    "govMilitaryLabel": "Government entity, a Military entity or Defense Contractor.",
    "govMilitaryText": (
        "If Government entity, a Military entity or Defense Contractor, Are you in <br> <br>Austria, Australia, "
        "Belgium, Canada, Cyprus, Czech Republic, Denmark, Estonia, Finland, France, Germany, Greece, Hungary, "
        "Ireland, Italy, Japan, Latvia, Lithuania, Luxembourg, Malta, Netherlands, New Zealand, Norway, Poland, "
        "Portugal, Slovakia, Slovenia, Spain, Sweden, Switzerland, United Kingdom or the United States."
    ),
    "govMilitaryValue": "GOV_OR_MIL",
    "govMilitaryYesLabel": "Yes",
    "govMilitaryYesValue": "GOV_OR_MIL_COUNTRIES_YES",
    "govMilitaryNoLabel": "No",
    "govMilitaryNoValue": "GOV_OR_MIL_COUNTRIES_NO",
    "confirmantionLabel": "Confirmation",
    "confirmationValue": "CONFIRM_CHECKED",
    "confirmationText": (
        "By checking this field, I hereby certify that I, as a duly authorized representative of the "
        "organization, understand and agree to abide by the conditions set forth above regarding the usage of "
        "Cisco Systems, Inc. hardware and/or software."
    ),
    "acceptLabel": "Accept",
    "acceptValue": "Accepted",
    "declineLabel": "Decline",
    "declineValue": "Declined",
}

EULA_CONTENT: dict[str, str] = {
    "appId": "SWC_MAIN",
    "label": "Cisco End User License Agreement",
    "content": (
        "In order to download software, Please confirm that you have read \nand agree to be bound by the terms "
        'of the &nbsp;\n<a href="https://www.cisco.com/c/en/us/about/legal/cloud-and-software/'
        'end_user_license_agreement.html" target="_blank">Cisco End User License Agreement</a> and any\n'
        '<a href="http://www.cisco.com/c/en/us/about/legal/cloud-and-software/software-terms.html" '
        'target="_blank">Supplemental Terms,</a> if applicable.\n'
    ),
    "acceptButtonLabel": "Accept License Agreement",
    "acceptButtonValue": "Accepted",
    "declineButtonLabel": "Decline",
    "declineButtonValue": "Declined",
}


def k9_form(sub_app_version: str, user_details: dict[str, str]) -> dict[str, Any]:
    """The K9 form block: ``subAppVersion``, ``k9Content``, ``userDetails``, ``webForm``."""
    return {
        "subAppVersion": sub_app_version,
        "k9Content": dict(K9_CONTENT),
        "userDetails": dict(user_details),
        "webForm": K9_WEB_FORM,
    }


def eula_form(sub_app_version: str) -> dict[str, Any]:
    """The EULA form block: ``subAppVersion``, ``eulaContent``, ``webForm``."""
    return {"subAppVersion": sub_app_version, "eulaContent": dict(EULA_CONTENT), "webForm": EULA_WEB_FORM}
