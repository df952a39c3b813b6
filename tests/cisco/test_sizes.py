"""Memory and flash figures as the upstream writes them, read in megabytes and written back for people."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.cisco.sizes import megabytes, megabytes_text


@pytest.mark.parametrize(
    ("text", "mb"),
    [("8192", 8192), ("16384 MB", 16384), ("512MB", 512), ("4 GB", 4096), ("4GB", 4096), ("1.5G", 1536),
     ("2 TB", 2 * 1024 * 1024), ("", None), ("N/A", None), ("0", None), ("see release notes", None), (None, None)],
)  # fmt: skip
def test_upstream_minimums_read_in_megabytes(text, mb):
    assert megabytes(text) == mb


@given(st.integers(1, 10**6))
def test_megabytes_read_back_what_they_print(n):
    assert megabytes(str(n)) == n
    assert megabytes(f"{n} GB") == n * 1024
    assert megabytes(megabytes_text(n * 1024)) == n * 1024


def test_sizes_for_people():
    assert [megabytes_text(n) for n in (512, 1000, 1536, 8192, 16384, 11000, 1024 * 1024)] == [
        "512 MB", "1000 MB", "1.5 GB", "8 GB", "16 GB", "11000 MB", "1 TB",
    ]  # fmt: skip
