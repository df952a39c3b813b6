"""Template filters of the catalog pages."""

from __future__ import annotations

from django import template

from portal.cisco.sizes import megabytes as read_megabytes
from portal.cisco.sizes import megabytes_text

register = template.Library()


@register.filter
def megabytes(value: int | None) -> str:
    """A figure in megabytes for people ("8 GB", "512 MB"); an em dash when unknown."""
    return megabytes_text(int(value)) if value else "—"


@register.filter
def upstream_size(text: str) -> str:
    """A minimum as the upstream writes it ("8192", "4 GB") for people ("8 GB"); text that is no figure as is."""
    mb = read_megabytes(text)
    return megabytes_text(mb) if mb else text
