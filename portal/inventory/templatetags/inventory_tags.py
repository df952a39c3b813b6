"""The device list's rows, written in Python as Django admin writes its change list's result rows: ten cells for
each of 50 (up to 500) devices cost about 125 µs a row in the template language, a third of a list page's time,
and a tenth of that here. The markup is the template's; ``templates/inventory/device_list.html`` places it."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from portal.catalog.choices import Fit
from portal.inventory.models import Device

register = template.Library()

_NONE = '<span class="muted">—</span>'
_ROW = (
    "\n      <tr>"
    '\n        <td><input type="checkbox" name="device" value="{pk}" aria-label="Select {hostname}"></td>'
    '\n        <td><a href="{list_url}{pk}/">{hostname}</a></td>'
    "\n        <td>{pid}</td>"
    '\n        <td class="nowrap">{current_release}</td>'
    "\n        <td>{site}</td>"
    "\n        <td>{role}</td>"
    "\n        <td>{os_family}</td>"
    '\n        <td class="nowrap target">{target}</td>'
    '\n        <td class="nowrap fit">{fit}</td>'
    "\n        <td>{tags}</td>"
    "\n      </tr>"
)


def _target(device: Device) -> str:
    """The target release with what moving to it means (upgrade, downgrade, the standard, too big to fit)."""
    if not device.target_version:
        return _NONE
    rec = device.recommendation
    if rec.fit == Fit.TOO_SMALL and rec.upgrade_available:
        pill = ' <span class="pill bad">does not fit</span>'
    elif rec.upgrade_available:
        pill = ' <span class="pill warn">upgrade</span>'
    elif rec.downgrade:
        pill = ' <span class="pill warn downgrade">downgrade</span>'
    elif rec.on_standard:
        pill = ' <span class="pill ok">standard</span>'
    else:
        pill = ""
    return escape(device.target_version) + pill


def _fit(device: Device) -> str:
    """Whether the target image fits the device's memory (the sizes it needs in the title)."""
    if not device.target_version:
        return _NONE
    rec = device.recommendation
    if rec.fit == Fit.FITS:
        return '<span class="pill ok">fits</span>'
    if rec.fit == Fit.TOO_SMALL:
        return format_html('<span class="pill bad" title="needs {}">{}</span>', rec.needs_text, rec.short_text)
    return '<span class="muted">unknown</span>'


@register.simple_tag
def device_rows(devices: Iterable[Device], list_url: str) -> SafeString:
    """The table rows of a page of devices (from :func:`portal.inventory.selectors.device_page`)."""
    rows = [
        _ROW.format(
            pk=device.pk,
            hostname=escape(device.hostname),
            list_url=escape(list_url),
            pid=escape(device.pid),
            current_release=escape(device.current_release or "—"),
            site=escape(device.site),
            role=escape(device.role),
            os_family=escape(device.os_family_label),
            target=_target(device),
            fit=_fit(device),
            tags="".join(f'<span class="pill">{escape(tag)}</span> ' for tag in device.tag_names),
        )
        for device in devices
    ]
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped
