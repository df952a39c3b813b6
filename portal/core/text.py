"""Text as the database can keep it, shared by the apps that store what the upstream says.

PostgreSQL text columns refuse the NUL character (SQLite keeps it), so text from outside (the ASD API's messages,
codes, names) is cleaned before it reaches a row: NUL becomes U+FFFD, visibly replaced rather than silently lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REPLACEMENT = "\ufffd"


def text_clean(value: str) -> str:
    """Text as the database can keep it: NUL characters (refused by PostgreSQL text) become U+FFFD."""
    return value.replace("\x00", REPLACEMENT)


def fields_clean(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Model field values with :func:`text_clean` applied to every string (other values unchanged)."""
    return {key: text_clean(value) if isinstance(value, str) else value for key, value in fields.items()}
