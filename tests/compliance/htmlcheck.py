"""What "inert" means for a rendered page, checked on the HTML a browser would parse."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

FORBIDDEN_TAGS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "style", "base", "img", "video",
    "audio", "source", "picture", "template", "noscript", "xmp", "plaintext", "portal", "marquee", "set", "animate",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset", "background"}
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.script_text.append(data)


def _url_problem(value: str) -> str | None:
    if _CONTROL.search(value):
        return "control character or whitespace in a URL"
    if value.startswith(("#", "?")) or (value.startswith("/") and not value.startswith("//")):
        return None  # our own pages
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.hostname:
        return None
    return "not an http(s) URL"


def problems(html: str) -> list[str]:
    """Everything in the page that could run, load or restyle something: [] when the page is inert."""
    collector = _Collector()
    collector.feed(html)
    found = [f"inline script: {text[:60]!r}" for text in collector.script_text]
    for tag, attrs in collector.elements:
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}> element")
        if tag == "script" and not attrs.get("src", "").startswith("/static/"):
            found.append(f"<script> not from /static/: {attrs}")
        if tag == "link" and not attrs.get("href", "").startswith("/static/"):
            found.append(f"<link> not from /static/: {attrs}")
        if tag == "meta" and "http-equiv" in attrs:
            found.append(f"<meta http-equiv>: {attrs}")
        if tag == "form" and attrs.get("action", "") and _url_problem(attrs["action"]) is None:
            if not attrs["action"].startswith("/"):
                found.append(f"<form> posting elsewhere: {attrs}")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"event handler {name} on <{tag}>")
            if name == "style":
                found.append(f"style attribute on <{tag}>")
            if name in URL_ATTRIBUTES and (problem := _url_problem(value)):
                found.append(f"{problem}: <{tag} {name}={value!r}>")
        if tag == "a" and attrs.get("target") == "_blank":
            rel = set(attrs.get("rel", "").split())
            if not {"noopener", "noreferrer"} <= rel:
                found.append(f"new-window link without noopener noreferrer: {attrs}")
    return found


def links(html: str) -> list[dict[str, str]]:
    """Every <a> element's attributes."""
    collector = _Collector()
    collector.feed(html)
    return [attrs for tag, attrs in collector.elements if tag == "a"]
