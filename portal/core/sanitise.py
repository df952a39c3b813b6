"""Untrusted upstream HTML made inert, by one policy for every page, e-mail and API answer.

The ASD API's form texts and exception messages carry HTML (links, line breaks, emphasis). Two ways out:

- :func:`sanitise_html`: markup the templates may print unescaped, reduced by nh3 to a small allow-list; links
  only to absolute http(s) URLs with a host (or a plain ``mailto:`` address, as Cisco's messages give), opening
  in a new tab with no handle on Depot.
- :func:`plain_text`: the same text with every tag removed and entities decoded, for labels, e-mails, CSV,
  messages and API text fields (autoescaped wherever it is rendered).

This module is the one place where upstream text becomes markup; the template filters in
``portal/core/templatetags/upstream.py`` call it.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset({"a", "br", "p", "em", "strong", "b", "i", "code", "ul", "ol", "li"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"
# Tags whose text goes too, not only the tag (every other tag outside the allow-list keeps its text, as text).
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}
)
# Whitespace or control characters anywhere in a URL are refused outright: browsers strip some of them
# ("java\tscript:"), so what a check sees and what a browser follows could differ.
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\\]")
# Control characters (C0, DEL, C1) and the bidi embeddings/overrides/isolates that can make text read backwards:
# nothing a person needs from an upstream's message, and an ANSI escape in an e-mail or a log can do harm.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
_MAILTO = re.compile(r"^mailto:[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$", re.IGNORECASE)


def safe_url(value: str) -> str | None:
    """The URL when a link may point there (absolute http(s) with a host, or ``mailto:`` one address), else None."""
    if not value or _UNSAFE_URL_CHARS.search(value):
        return None
    if _MAILTO.match(value):
        return value
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return value


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return safe_url(value)
    return value


_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={"a": {"href", "title"}},
    attribute_filter=_attribute_filter,
    url_schemes=set(LINK_SCHEMES),
    link_rel=LINK_REL,
    # Links leave Depot in a new tab; with rel="noopener noreferrer" the other page gets no handle on this one.
    set_tag_attribute_values={"a": {"target": "_blank"}},
    strip_comments=True,
)
_stripper = nh3.Cleaner(tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT), attributes={}, strip_comments=True)


def upstream_str(value: object, *, replacement: str = "") -> str:
    """Upstream text as a string with its control characters replaced (by default removed; tabs and line breaks
    stay); None is ""."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return _CONTROLS.sub(replacement, text)


def sanitise_html(value: object) -> SafeString:
    """Upstream HTML reduced to the allow-list: the only upstream markup templates may print unescaped."""
    cleaned = _cleaner.clean(upstream_str(value))
    return mark_safe(cleaned)  # noqa: S308 - nh3 output: the allow-list above is the whole point


def plain_text(value: object) -> str:
    """Upstream HTML as plain text (never marked safe): tags removed, entities decoded, control characters
    dropped, white space collapsed."""
    return " ".join(upstream_str(html.unescape(_stripper.clean(upstream_str(value)))).split())
