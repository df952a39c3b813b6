"""Factories and helpers for compliance tests: form snapshots from the spec's samples, chain records, clean-up."""

from __future__ import annotations

import copy
from typing import Any

from django.db import connection

from compliance import dbguard
from compliance.choices import DecisionStatus, FormKind
from compliance.models import Decision, FormSnapshot
from compliance.rendering import render_snapshot
from compliance.services import decision_append, form_snapshot_store

# The spec's sample answers of GET compliance/k9 and compliance/eula (cisco-asd-api-v4.0.txt).
K9_SAMPLE: dict[str, Any] = {
    "statusCode": "0",
    "statusMessage": "success",
    "subAppVersion": "9",
    "k9Content": {
        "k9Form": "<HTML></HTML>",
        "businessDivisionLabel": "Business division's function",
        "commercialCivilianLabel": "Commercial/Civilian entity",
        "CommercialCivilianValue": "COMM_OR_CIVIL",
        "govMilitaryLabel": "Government entity, a Military entity or Defense Contractor.",
        "govMilitaryText": "If Government entity, a Military entity or Defense Contractor,   Are you in <br>  "
        "<br>Austria, Australia, Belgium, Canada or the United States.",
        "govMilitaryValue": "GOV_OR_MIL",
        "govMilitaryYesLabel": "Yes",
        "govMilitaryYesValue": "GOV_OR_MIL_COUNTRIES_YES",
        "govMilitaryNoLabel": "No",
        "govMilitaryNoValue": "GOV_OR_MIL_COUNTRIES_NO",
        "confirmantionLabel": "Confirmation",
        "confirmationValue": "CONFIRM_CHECKED",
        "confirmationText": "By checking this field, I hereby certify that I understand and agree.",
        "acceptLabel": "Accept",
        "acceptValue": "Accepted",
        "declineLabel": "Decline",
        "declineValue": "Declined",
    },
    "userDetails": {
        "userId": "emily-culp",
        "firstname": "Emily",
        "fullname": "Emily Stewart",
        "lastname": "Stewart",
        "userEmail": "emily.stewart@123.com",
    },
    "webForm": "https://software.cisco.com/download/k9",
}
EULA_SAMPLE: dict[str, Any] = {
    "statusCode": "0",
    "statusMessage": "success",
    "subAppVersion": "19",
    "eulaContent": {
        "appId": "SWC_MAIN",
        "label": "Cisco End User License Agreement",
        "content": "In order to download software, Please confirm that you have read \nand agree to be bound by the "
        'terms of the &nbsp;\n<a href="https://www.cisco.com/c/en/us/about/legal/cloud-and-software/'
        'end_user_license_agreement.html" target="_blank">Cisco End User License Agreement</a> and any\n'
        '<a href="http://www.cisco.com/c/en/us/about/legal/cloud-and-software/software-terms.html" '
        'target="_blank">Supplemental Terms,</a> if applicable.\n',
        "acceptButtonLabel": "Accept License Agreement",
        "acceptButtonValue": "Accepted",
        "declineButtonLabel": "Decline",
        "declineButtonValue": "Declined",
    },
    "webForm": "https://software.cisco.com/download/eula",
}
SAMPLES = {FormKind.K9: K9_SAMPLE, FormKind.EULA: EULA_SAMPLE}


def snapshot(kind: str = FormKind.K9, *, version: str | None = None, **content: Any) -> FormSnapshot:
    """Store a snapshot of the spec's sample, with ``content`` keys replaced and optionally another version."""
    raw = copy.deepcopy(SAMPLES[kind])
    raw["k9Content" if kind == FormKind.K9 else "eulaContent"].update(content)
    if version is not None:
        raw["subAppVersion"] = version
    return form_snapshot_store(
        kind=kind,
        raw=raw,
        sub_app_version=raw["subAppVersion"],
        web_form=raw["webForm"],
        user_details=raw.get("userDetails"),
    )


def record(user: Any, form: FormSnapshot | None = None, **overrides: Any) -> Decision:
    """Append a posted decision on ``form`` (a K9 sample snapshot by default) by ``user``, without the upstream."""
    form = form or snapshot()
    status = overrides.pop("status", DecisionStatus.ACCEPTED)
    fields: dict[str, Any] = {
        "decided_by": user,
        "decided_by_username": user.get_username(),
        "decided_by_role": "Compliance officers",
        "client_address": "192.0.2.10",
        "kind": form.kind,
        "snapshot_id": form.pk,
        "sub_app_version": form.sub_app_version,
        "raw_sha256": form.sha256,
        "sanitised_sha256": render_snapshot(form).sanitised_sha256,
        "file_names": "",
        "status": status,
        "comments": "" if status == DecisionStatus.ACCEPTED else "not for us",
        "posted_values": {"status": status},
        "upstream_status_code": "0",
        "upstream_status_message": "success",
        "posted_ok": True,
    }
    fields.update(overrides)
    return decision_append(**fields)


def audit_rows_clear() -> None:
    """Remove every decision and the chain head, lifting the database guard on purpose (tests only).

    Transactional tests end with a flush (DELETE FROM each table on SQLite), which the guard would refuse.
    """
    with dbguard.lifted(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM compliance_decision")
        cursor.execute("DELETE FROM compliance_chainhead")
