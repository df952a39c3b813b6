"""An officer's answer as data, and the exact body it becomes for POST compliance/k9 or compliance/eula.

The values posted are the ones the form itself offers (``CommercialCivilianValue``, ``govMilitaryYesValue``,
``confirmationValue``, ...), never constants of ours, so what is recorded is what the officer picked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from compliance.choices import DecisionStatus, FormKind
from compliance.errors import InvalidDecision
from compliance.rendering import RenderedForm

MAX_COMMENTS = 2000
MAX_FILE_NAMES = 2048
# A file name as Cisco prints them: no separators of paths or lists, no control characters.
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+~()\-]{0,254}$")


@dataclass(frozen=True)
class DecisionInput:
    """What the officer submitted, with the snapshot they were shown (and the hash of what they saw)."""

    kind: str
    snapshot_id: int
    status: str
    comments: str = ""
    file_names: str = ""
    bus_function: str = ""
    gov_mil_countries: str = ""
    confirm: bool = False
    shown_sha256: str = ""


def file_names_clean(value: str, *, kind: str) -> str:
    """Comma-separated image names, each checked; K9 takes one name only (spec: "Only one value is permitted")."""
    names = [name.strip() for name in (value or "").split(",") if name.strip()]
    bad = [name for name in names if not _FILE_NAME.match(name)]
    if bad:
        raise InvalidDecision("Not a file name: " + ", ".join(bad[:3]), fields={"file_names": ["Not a file name."]})
    if kind == FormKind.K9 and len(names) > 1:
        raise InvalidDecision(
            "The K9 form takes one file name.", fields={"file_names": ["Only one value is permitted."]}
        )
    text = ",".join(names)
    if len(text) > MAX_FILE_NAMES:
        raise InvalidDecision("Too many file names.", fields={"file_names": ["Too long."]})
    return text


def _status(rendered: RenderedForm, status: str) -> str:
    offered = {rendered.accept.value: DecisionStatus.ACCEPTED, rendered.decline.value: DecisionStatus.DECLINED}
    if status not in DecisionStatus.values or (rendered.accept.value and status not in offered):
        raise InvalidDecision("Choose accept or decline.", fields={"status": ["Not an answer this form offers."]})
    return status


def _k9_values(rendered: RenderedForm, data: DecisionInput) -> dict[str, str]:
    k9 = rendered.k9
    assert k9 is not None  # noqa: S101 - kind checked by the caller
    fields: dict[str, list[str]] = {}
    if not data.confirm:
        fields["confirm"] = ["Cisco's form requires this confirmation for either answer."]
    if data.bus_function not in {k9.commercial.value, k9.government.value} or not data.bus_function:
        fields["bus_function"] = ["Choose one of the functions the form offers."]
    countries = data.gov_mil_countries
    if data.bus_function and data.bus_function == k9.government.value:
        if countries not in {k9.countries_yes.value, k9.countries_no.value} or not countries:
            fields["gov_mil_countries"] = ["Answer the countries question."]
    else:
        countries = ""  # only asked of government and military entities
    if fields:
        raise InvalidDecision("The K9 form is not complete.", fields=fields)
    return {"confirm": k9.confirmation_value, "busFunction": data.bus_function, "govMilCountries": countries}


def answer_needs(rendered: RenderedForm) -> list[str]:
    """What an answer to this form needs, in the form's own labels, said before anyone answers (the rules that
    :func:`posted_values` checks): Cisco's K9 form wants the confirmation and a business function for a decline too."""
    decline = rendered.decline.label or "Decline"
    needs = []
    if (k9 := rendered.k9) is not None:
        needs.append(
            f"Either answer, {rendered.accept.label or 'Accept'} or {decline}, needs the box under "
            f"“{k9.confirmation_label}” ticked and one choice under “{k9.business_label}”: "
            "Cisco's form requires both for a decline too."
        )
        needs.append(f"If you choose “{k9.government.label}”, also answer the countries question.")
    needs.append(f"{decline} also needs comments saying why (Cisco receives them as declineComments).")
    return needs


def comments_clean(data: DecisionInput, status: str) -> str:
    """The officer's comments (required to decline; kept with an acceptance too, but only posted for a decline)."""
    comments = (data.comments or "").strip()
    if status == DecisionStatus.DECLINED and not comments:
        raise InvalidDecision("Say why you decline.", fields={"comments": ["Comments are required to decline."]})
    if len(comments) > MAX_COMMENTS:
        raise InvalidDecision("Comments are too long.", fields={"comments": [f"At most {MAX_COMMENTS} characters."]})
    return comments


def posted_values(rendered: RenderedForm, data: DecisionInput) -> dict[str, str]:
    """The body to POST (field names of the spec), after checking the answer fits the form shown."""
    status = _status(rendered, data.status)
    comments = comments_clean(data, status)
    values = {"status": status}
    if rendered.kind == FormKind.K9:
        values.update(_k9_values(rendered, data))
    if status == DecisionStatus.DECLINED:
        values["declineComments"] = comments
    if names := file_names_clean(data.file_names, kind=rendered.kind):
        values["fileNames"] = names
    return values
