"""Untrusted upstream HTML made inert: nh3 with a small allow-list, links only to absolute http(s) URLs.

This module is the one place where upstream text becomes markup the templates do not escape. Everything else
from the upstream (labels, values, messages) is plain text and autoescaped by the templates.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset({"a", "br", "p", "em", "strong", "ul", "ol", "li"})
ALLOWED_SCHEMES = frozenset({"http", "https"})
LINK_REL = "noopener noreferrer"
# Whitespace or control characters anywhere in a URL are refused outright: browsers strip some of them
# ("java\tscript:"), so what a check sees and what a browser follows could differ.
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\\]")


def safe_url(value: str) -> str | None:
    """The URL when it is an absolute http(s) URL with a host and no whitespace or control characters, else None."""
    if not value or _UNSAFE_URL_CHARS.search(value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.hostname:
        return None
    return value


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return safe_url(value)
    return value


_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    # Tags whose text must go too, not only the tag (the rest keep their text, as plain text).
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"},
    attributes={"a": {"href"}},
    attribute_filter=_attribute_filter,
    url_schemes=set(ALLOWED_SCHEMES),
    link_rel=LINK_REL,
    # Links leave Depot in a new tab; with rel="noopener noreferrer" the other page gets no handle on this one.
    set_tag_attribute_values={"a": {"target": "_blank"}},
    strip_comments=True,
)


def sanitise_html(value: object) -> SafeString:
    """Upstream HTML reduced to the allow-list; the only markup from the upstream templates may print unescaped."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return mark_safe(_cleaner.clean(text))  # noqa: S308 - nh3 output: the allow-list above is the whole point


def plain_text(value: object) -> str:
    """Upstream text for labels and values: a string (never marked safe), non-strings as their JSON-ish text."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def strip_tags_text(value: object) -> str:
    """Upstream HTML as plain text (for e-mails and CSV, never for HTML): every tag removed, entities decoded."""
    return html.unescape(nh3.clean(plain_text(value), tags=set(), clean_content_tags={"script", "style"})).strip()
