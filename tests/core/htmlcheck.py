"""What "inert" means for a rendered page, checked on the HTML a browser would parse, and the hostile corpus
that upstream text is tried with."""

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
# Markup an upstream could send in a form text or an exception message: each must come out inert.
HOSTILE = [
    '<script>alert("s1")</script>',
    "<img src=x onerror=alert(2)>",
    "<a href=\"javascript:alert('s3')\">js link</a>",
    '<a href="JaVaScRiPt:alert(4)">mixed case</a>',
    '<a href="jav&#x09;ascript:alert(5)">entity tab</a>',
    '<a href="java\tscript:alert(6)">raw tab</a>',
    '<a href="\x01javascript:alert(7)">leading control</a>',
    '<a href="https://ok.example/\x00x">nul in url</a>',
    '<a href="https://ok.example/a\nb">newline in url</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==">data link</a>',
    '<a href="vbscript:msgbox(9)">vbscript</a>',
    '<a href="//evil.example/">protocol-relative</a>',
    '<a href="/admin/">relative</a>',
    "<svg onload=alert(10)><script>alert(11)</script></svg>",
    '<svg><a xlink:href="javascript:alert(12)"><text>svg link</text></a></svg>',
    '<p style="background:url(javascript:alert(13))">styled</p>',
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example/"><input name=x><button formaction="javascript:alert(14)">go</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    '"><script>alert(15)</script>',
    "'><img src=x onerror=alert(16)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(17)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(18)>">',
    '<div onclick="alert(19)" onmouseover="alert(20)">div</div>',
    '<a href="https://ok.example/" onclick="alert(21)" target="_self">kept link</a>',
    '<IMG SRC="jav&#x0A;ascript:alert(22)">',
    "<body onload=alert(23)>",
    "<<script>script>alert(24)<</script>/script>",
    '<a href="mailto:javascript:alert(26)">mailto script</a>',
    '<a href="mailto:ent-dl@cisco.com?bcc=x@evil.example&body=x">mailto with headers</a>',
    '<a title="x" onfocus="alert(27)" autofocus href="https://ok.example/">focus</a>',
    "<!-- <script>alert(28)</script> -->",
]
CORPUS = "".join(HOSTILE)


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
    if parts.scheme == "mailto" and re.fullmatch(r"[^@:/?#]+@[^@:/?#]+", parts.path):
        return None  # an e-mail address opens a mail client, nothing more
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
