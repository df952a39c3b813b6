"""Reading request fields the way the spec writes them, with the error code each mistake gets.

Field names are matched case-insensitively, because the spec's tables and samples spell them differently
(``PID``/``pid``, ``OutputReleaseVersion``/``outputReleaseVersion``, ``perpage``/``perPage``,
``busfunction``/``busFunction``). With ``--strict`` a body is first checked by :func:`refuse_loose`
(strict.py), which allows only the samples' spellings.
"""

from __future__ import annotations

import re
from typing import Any

from portal.cisco.simulator.routes import strict
from portal.cisco.simulator.wire import app_error

MAX_NAMES = 5
MAX_PER_PAGE = 25
MAX_FIELD = 256
_PID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_=/+.:]*")
_MISSING = object()


def get(body: dict[str, Any], name: str) -> Any:
    """The value of a field, matching its name case-insensitively; ``_MISSING`` when absent."""
    if name in body:
        return body[name]
    lowered = name.lower()
    for key, value in body.items():
        if key.lower() == lowered:
            return value
    return _MISSING


def is_blank(value: Any) -> bool:
    """True for an absent, null, empty or white-space value (and an empty list)."""
    if value is _MISSING or value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list) and not value


def text(body: dict[str, Any], name: str, missing_code: str) -> str:
    """A required single text field (numbers accepted and turned into text)."""
    value = get(body, name)
    if is_blank(value):
        raise app_error(missing_code)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise app_error("INVALID_INPUT", detail=f"{name} must be a string.")
    return str(value).strip()


def optional_text(body: dict[str, Any], name: str) -> str:
    """An optional text field ("" when absent); lists are joined with commas."""
    value = get(body, name)
    if is_blank(value):
        return ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value).strip()


def pid(body: dict[str, Any]) -> str:
    """The single PID of a request: PID_MISSING, PID_LIMIT_EXCEEDED for several, PID_INVALID when malformed."""
    value = get(body, "pid")
    if isinstance(value, list):
        if len(value) > 1:
            raise app_error("PID_LIMIT_EXCEEDED")
        value = value[0] if value else None
    if is_blank(value):
        raise app_error("PID_MISSING")
    if not isinstance(value, str):
        raise app_error("PID_INVALID")
    value = value.strip()
    if "," in value:
        raise app_error("PID_LIMIT_EXCEEDED")
    if len(value) > MAX_FIELD or not _PID_RE.fullmatch(value):
        raise app_error("PID_INVALID")
    return value


def names(body: dict[str, Any], name: str, missing: str, invalid: str) -> list[str]:
    """1 to 5 names (a JSON array, or one comma-separated string), de-duplicated in order.

    The limit counts what was sent, duplicates included: six names are IMAGE_LIMIT_EXCEEDED even if two are
    the same (the spec limits "the number of image names entered in the request").
    """
    value = get(body, name)
    if is_blank(value):
        raise app_error(missing)
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise app_error(invalid)
    if len(value) > MAX_NAMES:
        raise app_error("IMAGE_LIMIT_EXCEEDED")
    items = [v.strip() for v in value]
    if any(not v or len(v) > MAX_FIELD for v in items):
        raise app_error(invalid)
    return list(dict.fromkeys(items))


def _positive(body: dict[str, Any], name: str, default: int) -> int:
    value = get(body, name)
    if is_blank(value):
        return default
    if isinstance(value, bool):
        raise app_error("INVALID_INPUT", detail=f"{name} must be a positive integer.")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise app_error("INVALID_INPUT", detail=f"{name} must be a positive integer.") from None
    if number < 1:
        raise app_error("INVALID_INPUT", detail=f"{name} must be a positive integer.")
    return number


def paging(body: dict[str, Any]) -> tuple[int, int]:
    """(pageIndex, perPage): defaults 1 and 25; perPage above 25 is served as 25 (the spec's maximum)."""
    return _positive(body, "pageIndex", 1), min(_positive(body, "perPage", MAX_PER_PAGE), MAX_PER_PAGE)


def refuse_loose(enabled: bool, endpoint: str, body: dict[str, Any]) -> None:
    """With ``--strict`` (``enabled``): INVALID_INPUT for what the spec does not spell out (see strict.py)."""
    if enabled and (found := strict.problem(endpoint, body)):
        raise app_error("INVALID_INPUT", detail=found)
