"""Counts, sizes and durations as pages, messages and commands write them (portal.core.humanize and its filters)."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from portal.core.humanize import counted, duration_text, megabytes_text, size_text


@pytest.mark.parametrize(
    ("count", "nouns", "expected"),
    [
        (0, ("download",), "0 downloads"),
        (1, ("download",), "1 download"),
        (2, ("download",), "2 downloads"),
        (1, ("entry", "entries"), "1 entry"),
        (3, ("entry", "entries"), "3 entries"),
    ],
)
def test_counted_says_one_thing_or_many(count, nouns, expected):
    assert counted(count, *nouns) == expected


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (None, "—"),
        (0, "0 bytes"),
        (1, "1 byte"),
        (1023, "1023 bytes"),
        (1024, "1 KB"),
        (1536, "1.5 KB"),
        (1024**2 - 1, "1 MB"),  # 1023.999 KB rounds to 1024 KB: said in the next unit
        (1_203_523_426, "1.1 GB"),
        (8 * 1024**3, "8 GB"),
        (3 * 1024**4 + 1024**4 // 4, "3.3 TB"),
    ],
)
def test_size_text_uses_binary_units_with_one_decimal_at_most(size, expected):
    assert size_text(size) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (8192, "8 GB"),
        (512, "512 MB"),
        (1536, "1.5 GB"),
        ("1024", "1 GB"),
        ("64", "64 MB"),
        ("4 GB", "4 GB"),
        ("4096MB", "4 GB"),
        ("512M", "512 MB"),
        ("2g", "2 GB"),
        ("", ""),
        (None, ""),
        ("  see release notes ", "see release notes"),
        ("8 parsecs", "8 parsecs"),
    ],
)
def test_megabytes_text_reads_numbers_and_units_and_keeps_other_text(value, expected):
    assert megabytes_text(value) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (None, "—"),
        (0, "0 seconds"),
        (1, "1 second"),
        (75, "1 minute 15 seconds"),
        (3600, "1 hour"),
        (3661, "1 hour 1 minute"),  # two units at most: the seconds are left out
        (5400, "1 hour 30 minutes"),
        (86400, "24 hours"),
        (36 * 3600, "36 hours"),
        (2 * 86400, "2 days"),
        (7 * 86400 + 3600, "7 days 1 hour"),
        (89.6, "1 minute 30 seconds"),
    ],
)
def test_duration_text_in_words(seconds, expected):
    assert duration_text(seconds) == expected


def test_filters_are_built_into_every_template():
    template = Template(
        "{{ n|counted:'download' }}; {{ one|counted:'entry,entries' }}; {{ bytes|size }}; DRAM ≥ {{ dram|megabytes }}; "
        "valid for {{ seconds|duration }}"
    )
    text = template.render(Context({"n": 1, "one": 2, "bytes": 1024**3, "dram": "8192", "seconds": 86400}))
    assert text == "1 download; 2 entries; 1 GB; DRAM ≥ 8 GB; valid for 24 hours"


def test_megabytes_filter_escapes_upstream_text():
    text = Template("{{ dram|megabytes }}").render(Context({"dram": "<b>lots</b>"}))
    assert text == "&lt;b&gt;lots&lt;/b&gt;"
