"""``--strict``: refuse what the spec does not spell out, so a client that passes here passes a picky service.

By default the simulator is lenient, as the spec's own typos invite (``PID`` / ``pid``, ``perpage`` /
``perPage``, ``busfunction`` / ``busFunction``, a comma-separated string for a list, lower-case values). With
``--strict`` a request body may hold only the fields of the spec's sample requests, spelled as they are there,
with the types and values the spec gives; anything else is ``INVALID_INPUT`` with a ``detail`` naming the field:

* a field name in another case (``PID``) or a field the endpoint does not have;
* a string where the spec has an array (``imageNames``, ``imageGuids``), a number where it has a string;
* a ``currentReleaseVersion`` that is not a version, an ``outputReleaseVersion`` keyword spelled otherwise than
  ``latest`` / ``Latest`` / ``above`` / ``Above``;
* values outside the documented lists: ``status`` other than ``Accepted`` / ``Declined``, ``busFunction``
  other than ``COMM_OR_CIVIL`` (the only value the spec permits), ``confirm`` other than ``CONFIRM_CHECKED``
  (the form's value; the table writes ``Confirm_Checked``), ``govMilCountries`` other than the form's values,
  more than one K9 ``fileNames`` ("Only one value is permitted");
* and (checked in download.py) a ``metadataTransId`` used for another PID than the one it was issued for.

Required fields stay with their own codes (``PID_MISSING`` ...), as in the lenient mode.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from portal.cisco.versions import Scheme, parse_version

Check = Callable[[Any], str | None]


def _string(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _array(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return None
    return "must be a JSON array of strings"


def _whole(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return None
    return None if isinstance(value, str) and value.strip().isdigit() else "must be a whole number"


def _version(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    return "is not a release version" if parse_version(value).scheme is Scheme.OTHER else None


def _output(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    if value.strip().lower() in ("latest", "above") and value not in ("latest", "Latest", "above", "Above"):
        return "must be latest, Latest, above, Above or a release"
    return None


def _one_of(*allowed: str, blank: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, str) and (value in allowed or (blank and not value.strip())):
            return None
        return "must be " + " or ".join(allowed)

    return check


def _one_name(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    return "takes one file name only" if "," in value else None


_STATUS = _one_of("Accepted", "Declined")
FIELDS: dict[str, dict[str, Check]] = {
    "metadata/pidrelease": {
        "pid": _string,
        "currentReleaseVersion": _version,
        "outputReleaseVersion": _output,
        "pageIndex": _whole,
        "perPage": _whole,
    },
    "metadata/pidimage": {"pid": _string, "imageNames": _array, "pageIndex": _whole, "perPage": _whole},
    "metadata/images": {"imageNames": _array},
    "download/pidimage": {"pid": _string, "mdfId": _string, "metadataTransId": _string, "imageGuids": _array},
    "compliance/k9": {
        "status": _STATUS,
        "declineComments": _string,
        "fileNames": _one_name,
        "confirm": _one_of("CONFIRM_CHECKED"),
        "busFunction": _one_of("COMM_OR_CIVIL"),
        "govMilCountries": _one_of("GOV_OR_MIL_COUNTRIES_YES", "GOV_OR_MIL_COUNTRIES_NO", blank=True),
    },
    "compliance/eula": {"status": _STATUS, "declineComments": _string, "fileNames": _string},
}


def problem(endpoint: str, body: Mapping[str, Any]) -> str | None:
    """What the strict mode refuses in this request body (the first thing found), or None."""
    fields = FIELDS[endpoint]
    for key, value in body.items():
        check = fields.get(key)
        if check is None:
            spelled = next((name for name in fields if name.lower() == key.lower()), None)
            hint = f" (the spec spells it {spelled})" if spelled else ""
            return f"{key} is not a field of {endpoint}{hint}."
        if value is None:
            continue  # blank: the endpoint's own *_MISSING code, as in the lenient mode
        if found := check(value):
            return f"{key} {found}."
    return None
