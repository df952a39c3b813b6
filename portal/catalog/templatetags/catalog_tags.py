"""Template filters of the catalog pages."""

from __future__ import annotations

from django import template

from portal.cisco.sizes import megabytes_text

register = template.Library()


@register.filter
def megabytes(value: int | None) -> str:
    """A figure in megabytes for people ("8 GB", "512 MB"); an em dash when unknown."""
    return megabytes_text(int(value)) if value else "—"
