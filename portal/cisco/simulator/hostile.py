"""Hostile text on request: upstream texts that carry NUL, control characters and markup.

Cisco's answers are untrusted input for a client: exception messages and form texts are HTML written by
someone else, and nothing in the spec keeps a NUL or an escape sequence out of them. With the control API
(``--control``) a test switches this on and every answer the simulator sends afterwards carries such text,
so a client's storage, logging and rendering of it can be tested over real HTTP::

    POST /_sim/hostile {"text": "<optional: what to add>", "exceptions": true, "errors": true,
                        "forms": true, "codes": false}
    GET /_sim/hostile      (the setting, or {"on": false})
    DELETE /_sim/hostile   (off; POST /_sim/reset switches it off too)

What changes while it is on (``text`` is appended to each value; the default is :data:`DEFAULT_TEXT`):

* ``exceptions``: the ``message`` of every per-image exception (metadata and download answers), and with
  ``codes`` its ``code`` too (a code that no table knows: a client must fail closed on it);
* ``errors``: the ``errorMessage`` of every error body of the API;
* ``forms``: the K9 form's HTML (``k9Form``) and every ``...Label`` / ``...Text`` field of ``k9Content``, and
  the EULA's ``label``, ``content`` and button labels, in GET compliance/k9|eula and in download answers'
  ``acceptanceForm``. Values a client posts back (``COMM_OR_CIVIL``, ``Accepted`` ...) are left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

DEFAULT_TEXT = (
    "\x00<script>alert('asd')</script>\x01\x07\x08\x1b[2J\x7f\u0085\u2028\u202e"
    '"><img src=x onerror=alert(1)><a href="javascript:alert(2)">click</a>'
    "<iframe src=//evil.example/></iframe>&lt;b&gt;\t\r\n</textarea></title>"
)
"""NUL, C0/C1 controls, an ANSI escape, DEL, line and bidi separators, and markup that breaks out of
attributes and elements."""

_FLAGS = ("exceptions", "errors", "forms", "codes")
_EULA_TEXT_KEYS = frozenset({"label", "content"})


@dataclass(frozen=True)
class HostileText:
    """What to make hostile and with which text (see the module docstring)."""

    text: str = DEFAULT_TEXT
    exceptions: bool = True
    errors: bool = True
    forms: bool = True
    codes: bool = False

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> HostileText:
        """The setting from a control-API body; ValueError names what is wrong."""
        text = body.get("text", DEFAULT_TEXT)
        if not isinstance(text, str) or not text:
            raise ValueError("text must be a non-empty string")
        flags = {}
        for name in _FLAGS:
            value = body.get(name, getattr(cls, name))
            if not isinstance(value, bool):
                raise ValueError(f"{name} must be true or false")
            flags[name] = value
        return cls(text=text, **flags)

    def describe(self) -> dict[str, Any]:
        """The setting as the control API shows it."""
        return {"on": True, **asdict(self)}

    def apply(self, payload: Any) -> Any:
        """A copy of a JSON payload with the chosen texts made hostile."""
        if isinstance(payload, list):
            return [self.apply(item) for item in payload]
        if not isinstance(payload, dict):
            return payload
        out: dict[str, Any] = {}
        for key, value in payload.items():
            if key == "exception" and isinstance(value, list) and self.exceptions:
                out[key] = [self._exception(item) for item in value]
            elif key == "errorMessage" and isinstance(value, str) and self.errors:
                out[key] = value + self.text
            elif key in ("k9Content", "eulaContent") and isinstance(value, dict) and self.forms:
                out[key] = {k: self._form_field(k, v) for k, v in value.items()}
            else:
                out[key] = self.apply(value)
        return out

    def _exception(self, item: Any) -> Any:
        if not isinstance(item, dict):
            return item
        changed = dict(item)
        if isinstance(changed.get("message"), str):
            changed["message"] += self.text
        if self.codes and isinstance(changed.get("code"), str):
            changed["code"] += self.text
        return changed

    def _form_field(self, key: str, value: Any) -> Any:
        readable = key == "k9Form" or key.endswith(("Label", "Text")) or key in _EULA_TEXT_KEYS
        return value + self.text if readable and isinstance(value, str) else value
