"""Template filters of the catalog pages: sizes in megabytes are Depot's shared ``megabytes`` filter (built into
every template, portal.core.templatetags.depot), under both names the catalog's templates use, so one rule writes
"DRAM ≥ 8 GB" everywhere."""

from __future__ import annotations

from django import template

from portal.core.templatetags.depot import megabytes

register = template.Library()
register.filter("megabytes", megabytes)
register.filter("upstream_size", megabytes)  # a minimum as the upstream writes it ("8192", "4 GB"), for people
