"""A version's Cisco order as a plain string, so the database can ORDER BY and compare releases.

:func:`portal.cisco.versions.version_key` gives a nested tuple; :func:`release_sort_key` encodes that tuple into
text whose byte order (and the order of any collation that compares letters and digits one by one) is the
tuple's order: ``release_sort_key(a) < release_sort_key(b)`` exactly when ``version_key(a) < version_key(b)``.

Only ``0-9`` and ``A-Z`` are used: locale collations (PostgreSQL's ``en_US``) skip punctuation and fold case,
which would break an encoding that relied on them. Variable-length parts are self-delimiting:

* a sequence is its elements, each preceded by ``1``, then ``0`` (so a shorter prefix sorts first);
* a number is its digit count in two digits, then the digits (compared as strings, like versions.py does);
* a letter suffix is ``0`` for none, else the upper-cased letter (``17.9.4 < 17.9.4a``);
* a word token is ``1`` and its letters upper-cased, ended by ``0``; a number token is ``0`` and the number;
* the trailing text of an unparsed version is its UTF-8 bytes in upper-case hex (byte order = code point order).
"""

from __future__ import annotations

from portal.cisco.versions import version_key

__all__ = ["MAX_KEY_LENGTH", "release_sort_key"]

MAX_KEY_LENGTH = 255  # the column width; a longer key (pathological text) is cut, keeping its leading order


def _number(count: int, digits: str) -> str:
    # Two digits of length cover numbers of up to 99 digits; versions never come close.
    return f"{min(count, 99):02d}{digits[:99]}"


def _component(component: tuple[int, str, str]) -> str:
    count, digits, letter = component
    return _number(count, digits) + (letter.upper() if letter else "0")


def _token(token: tuple[int, int, str]) -> str:
    kind, count, text = token
    if kind == 0:
        return "0" + _number(count, text)
    letters = "".join(ch if "A" <= ch <= "Z" else "Z" for ch in text.upper())
    return "1" + letters + "0"


def _sequence(items: tuple, encode) -> str:
    return "".join("1" + encode(item) for item in items) + "0"


def release_sort_key(text: str) -> str:
    """The Cisco order of a version text as a string (empty text gives the lowest key, ``""``)."""
    if not text or not text.strip():
        return ""
    parsed, first, train, rebuild, rank, raw = version_key(text)
    if parsed:
        body = _sequence(first, _component) + _sequence(train, _token) + _sequence(rebuild, _component)
    else:
        body = _sequence(first, _token) + "000"
    key = f"{parsed}{body}{rank}{raw.encode().hex().upper()}"
    return key[:MAX_KEY_LENGTH]
