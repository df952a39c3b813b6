"""The stored sort key orders releases exactly as portal.cisco.versions does, so SQL ORDER BY is Cisco order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.cisco.versionkey import release_sort_key
from portal.cisco.versions import sort_versions, version_key

REAL = [
    "12.2(55)SE12",
    "15.2(2)E",
    "15.2(7)E",
    "15.2(7)E1",
    "15.2(7)E8",
    "15.2(7)E10",
    "15.2(7)E10a",
    "15.2(7)SE8",
    "16.12.10a",
    "17.3.8a",
    "17.9.4",
    "17.9.4a",
    "17.09.05",
    "17.12.4",
    "17.15.1",
    "7.0(3)I7(8)",
    "7.0(3)I7(9)",
    "7.0(3)I7(10)",
    "9.3(9)",
    "9.3(10)",
    "10.2(5)M",
    "10.3(4a)M",
    "9.16(4)",
    "9.16(4)19",
    "9.16(4)57",
    "8.10.185.0",
    "8.9.111.0",
    "3.16.10S",
    "7.2.5-208",
    "2.12(0.498)",
    "JuLy_TeSt(1.5E)",
    "02mar2020",
]


def test_sorting_by_key_matches_cisco_order_on_real_versions():
    assert sorted(REAL, key=release_sort_key) == sort_versions(REAL)


@pytest.mark.parametrize(
    ("low", "high"),
    [("9.3(9)", "9.3(10)"), ("17.9.4", "17.9.4a"), ("15.2(7)E8", "15.2(7)E10"), ("8.9.111.0", "8.10.185.0")],
)
def test_keys_order_what_plain_text_gets_wrong(low, high):
    assert release_sort_key(low) < release_sort_key(high)


def test_leading_zeros_give_the_same_key():
    assert release_sort_key("17.09.04a") == release_sort_key("17.9.4a")


def test_trains_never_compare_equal():
    assert release_sort_key("15.2(7)E8") != release_sort_key("15.2(7)SE8")


def test_key_uses_only_digits_and_capital_letters():
    for version in REAL:
        assert set(release_sort_key(version)) <= set("0123456789ABCDEF" + "GHIJKLMNOPQRSTUVWXYZ")


def test_empty_release_sorts_first():
    assert release_sort_key("") == ""
    assert all(release_sort_key("") < release_sort_key(v) for v in REAL)


_num = st.integers(min_value=0, max_value=3000).map(str)
_letter = st.sampled_from(["", "a", "b"])
_train = st.sampled_from(["", "E", "SE", "M", "I7", "S", "EX"])
_paren = st.builds(lambda a, b, c, t, r, x: f"{a}.{b}({c}){t}{r if t else ''}{x if t and r else ''}",
                   _num, _num, _num, _train, st.sampled_from(["", "1", "8", "10", "12"]), _letter)  # fmt: skip
_dotted = st.builds(lambda parts, x: ".".join(parts) + x, st.lists(_num, min_size=2, max_size=4), _letter)
_other = st.text(alphabet="abcXYZ_()-.019", min_size=1, max_size=12)
versions = st.one_of(_paren, _dotted, _other)


@given(st.lists(versions, min_size=2, max_size=12))
def test_key_order_equals_version_order(texts):
    by_key = sorted(texts, key=lambda t: (release_sort_key(t), t))
    by_version = sorted(texts, key=lambda t: (version_key(t), t))
    assert [release_sort_key(t) for t in by_key] == [release_sort_key(t) for t in by_version]


@given(versions, versions)
def test_pairwise_comparison_agrees(a, b):
    assert (release_sort_key(a) < release_sort_key(b)) == (version_key(a) < version_key(b))
    assert (release_sort_key(a) == release_sort_key(b)) == (version_key(a) == version_key(b))
