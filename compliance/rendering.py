"""The forms as officers see them, built only from a snapshot's content (no text of our own stands in for Cisco's).

Labels stay text (the templates escape them: markup in them is shown, not run) without control characters;
values stay exactly as delivered, since they are posted back; the fields that carry HTML go through
:func:`portal.core.sanitise.sanitise_html`. ``sanitised_sha256`` hashes exactly what is shown, so a decision
records both the raw content's hash and the hash of what the officer saw.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.utils.safestring import SafeString

from compliance.chain import sha256_json
from compliance.choices import FormKind
from compliance.models import FormSnapshot
from portal.core.sanitise import safe_url, sanitise_html, upstream_str


def _value(value: Any) -> str:
    """A value the officer's answer posts back, exactly as delivered (as a string)."""
    return "" if value is None else str(value)


def _pick(content: dict[str, Any], *names: str) -> Any:
    """The first present key (the spec capitalises some keys inconsistently: CommercialCivilianValue)."""
    for name in names:
        if name in content:
            return content[name]
        for key in content:
            if key.lower() == name.lower():
                return content[key]
    return None


@dataclass(frozen=True)
class Choice:
    """A labelled value the officer can pick (label plain text, value exactly as delivered)."""

    label: str
    value: str


@dataclass(frozen=True)
class RenderedK9:
    """The K9 form, field by field, from ``k9Content`` and ``userDetails``."""

    form_html: SafeString
    business_label: str
    commercial: Choice
    government: Choice
    government_text_html: SafeString
    countries_yes: Choice
    countries_no: Choice
    confirmation_label: str
    confirmation_text_html: SafeString
    confirmation_value: str
    accept: Choice
    decline: Choice
    user: dict[str, str]


@dataclass(frozen=True)
class RenderedEula:
    """The EULA, from ``eulaContent``."""

    label: str
    content_html: SafeString
    accept: Choice
    decline: Choice
    app_id: str


@dataclass(frozen=True)
class RenderedForm:
    """A snapshot ready to show: its form, the web form link (when it is a safe URL) and the shown content's hash."""

    snapshot: FormSnapshot
    kind: str
    k9: RenderedK9 | None
    eula: RenderedEula | None
    web_form: str | None
    sanitised_sha256: str

    @property
    def accept(self) -> Choice:
        """The accept button's label and value."""
        return (self.k9 or self.eula).accept

    @property
    def decline(self) -> Choice:
        """The decline button's label and value."""
        return (self.k9 or self.eula).decline


def _choice(content: dict[str, Any], label: str, value: str) -> Choice:
    return Choice(upstream_str(_pick(content, label)), _value(_pick(content, value)))


def _user(details: Any) -> dict[str, str]:
    if not isinstance(details, dict):
        return {}
    return {str(key): upstream_str(value) for key, value in details.items()}


def render_k9(content: dict[str, Any], user_details: Any) -> RenderedK9:
    """The K9 form's parts from ``k9Content`` (typos of the spec, such as confirmantionLabel, included)."""
    return RenderedK9(
        form_html=sanitise_html(_pick(content, "k9Form")),
        business_label=upstream_str(_pick(content, "businessDivisionLabel")),
        commercial=_choice(content, "commercialCivilianLabel", "CommercialCivilianValue"),
        government=_choice(content, "govMilitaryLabel", "govMilitaryValue"),
        government_text_html=sanitise_html(_pick(content, "govMilitaryText")),
        countries_yes=_choice(content, "govMilitaryYesLabel", "govMilitaryYesValue"),
        countries_no=_choice(content, "govMilitaryNoLabel", "govMilitaryNoValue"),
        confirmation_label=upstream_str(_pick(content, "confirmantionLabel", "confirmationLabel")),
        confirmation_text_html=sanitise_html(_pick(content, "confirmationText")),
        confirmation_value=_value(_pick(content, "confirmationValue")),
        accept=_choice(content, "acceptLabel", "acceptValue"),
        decline=_choice(content, "declineLabel", "declineValue"),
        user=_user(user_details),
    )


def render_eula(content: dict[str, Any]) -> RenderedEula:
    """The EULA's parts from ``eulaContent``."""
    return RenderedEula(
        label=upstream_str(_pick(content, "label")),
        content_html=sanitise_html(_pick(content, "content")),
        accept=_choice(content, "acceptButtonLabel", "acceptButtonValue"),
        decline=_choice(content, "declineButtonLabel", "declineButtonValue"),
        app_id=upstream_str(_pick(content, "appId")),
    )


def render_snapshot(snapshot: FormSnapshot) -> RenderedForm:
    """Render a snapshot and hash what is shown (every text and sanitised fragment, plus the user details)."""
    k9 = render_k9(snapshot.content, snapshot.user_details) if snapshot.kind == FormKind.K9 else None
    eula = render_eula(snapshot.content) if snapshot.kind == FormKind.EULA else None
    web_form = safe_url(snapshot.web_form)
    shown = {"kind": snapshot.kind, "version": snapshot.sub_app_version, "web_form": web_form or ""}
    shown["form"] = {key: str(value) if isinstance(value, str) else value for key, value in asdict(k9 or eula).items()}
    return RenderedForm(snapshot, snapshot.kind, k9, eula, web_form, sha256_json(shown))
