"""Upstream text made safe to show: tags removed (nh3), entities decoded, white space collapsed."""

from __future__ import annotations

import html

import nh3


def plain_text(value: str, limit: int = 2000) -> str:
    """Text without any HTML (upstream messages may carry links and markup); Django escapes it when rendered."""
    cleaned = nh3.clean(value or "", tags=set(), attributes={})
    return " ".join(html.unescape(cleaned).split())[:limit]
