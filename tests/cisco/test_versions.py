"""Cisco version parsing and ordering (portal/cisco/versions.py)."""

import dataclasses
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.cisco.versions import (
    ReleaseError,
    Scheme,
    Version,
    normalize,
    parse_version,
    read_release,
    sort_versions,
    version_key,
)

# deadline=None: the machine is shared, and a slow example is not a failure of these properties.
PROPERTY = settings(max_examples=150, deadline=None)


# --- generated versions: each strategy yields (text, model) where the model orders like Cisco does --------------


@st.composite
def number(draw: st.DrawFn, max_value: int = 30) -> tuple[int, str]:
    """A version number and its text, sometimes zero-padded (17.09.04a)."""
    value = draw(st.integers(0, max_value))
    return value, "0" * draw(st.integers(0, 2)) + str(value)


nxos_train_no = st.integers(2, 9)
letter = st.sampled_from(["", "", "a", "b", "c"])
ios_train = st.sampled_from(["E", "SE", "SY", "S", "M", "T", "EX", "SG"])


@st.composite
def ios(draw: st.DrawFn, trains: st.SearchStrategy[str] = ios_train) -> tuple[str, tuple]:
    (major, m_txt), (minor, n_txt), (rel, r_txt) = draw(number()), draw(number()), draw(number())
    rel_letter, train = draw(letter), draw(trains)
    rebuild = draw(st.none() | st.tuples(number(), letter))
    text = f"{m_txt}.{n_txt}({r_txt}{rel_letter}){train}"
    model_rebuild: tuple = ()
    if rebuild is not None:
        (value, value_txt), suffix = rebuild
        text += value_txt + suffix
        model_rebuild = ((value, suffix),)
    return text, (major, minor, (rel, rel_letter), train, model_rebuild)


@st.composite
def nxos(draw: st.DrawFn, train_nos: st.SearchStrategy[int] = nxos_train_no) -> tuple[str, tuple]:
    (major, m_txt), (minor, n_txt), (rel, r_txt) = draw(number(20)), draw(number(9)), draw(number(9))
    train_no, (rebuild, b_txt), suffix = draw(train_nos), draw(number(30)), draw(letter)
    text = f"{m_txt}.{n_txt}({r_txt})I{train_no}({b_txt}{suffix})"
    return text, (major, minor, rel, f"I{train_no}", (rebuild, suffix))


@st.composite
def asa(draw: st.DrawFn) -> tuple[str, tuple]:
    (major, m_txt), (minor, n_txt), (rel, r_txt) = draw(number(20)), draw(number(30)), draw(number(20))
    interim = draw(st.none() | number(300))
    text = f"{m_txt}.{n_txt}({r_txt})" + (interim[1] if interim else "")
    return text, (major, minor, rel, "", (interim[0],) if interim else ())


@st.composite
def dotted(draw: st.DrawFn) -> tuple[str, tuple]:
    parts = draw(st.lists(st.tuples(number(), letter), min_size=2, max_size=5))
    text = ".".join(txt + suffix for (_, txt), suffix in parts)
    return text, tuple((value, suffix) for (value, _), suffix in parts)


SCHEMES = {"ios": ios(), "nxos": nxos(), "asa": asa(), "dotted": dotted()}
# For each scheme, a strategy of strategies whose versions all share one train.
ONE_TRAIN = {
    "ios": ios_train.map(lambda train: ios(st.just(train))),
    "nxos": st.integers(2, 9).map(lambda train_no: nxos(st.just(train_no))),
    "asa": st.just(asa()),
    "dotted": st.just(dotted()),
}
any_generated = st.one_of(*SCHEMES.values()).map(lambda pair: pair[0])
any_text = st.one_of(
    any_generated, st.text(max_size=30), st.from_regex(r"[0-9]{1,3}(\.[0-9A-Za-z()]{1,4}){0,4}", fullmatch=True)
)


def _cmp(a: object, b: object) -> int:
    return (a > b) - (a < b)  # type: ignore[operator]


# --- properties ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
@PROPERTY
@given(data=st.data())
def test_order_within_a_train_follows_the_numbers(scheme: str, data: st.DataObject) -> None:
    versions = data.draw(ONE_TRAIN[scheme])
    (text_a, model_a), (text_b, model_b) = data.draw(versions), data.draw(versions)
    a, b = parse_version(text_a), parse_version(text_b)
    assert a.same_train(b)
    assert _cmp(a, b) == _cmp(model_a, model_b), (text_a, text_b)
    assert (a == b) == (model_a == model_b)
    if a == b:
        assert hash(a) == hash(b)


@PROPERTY
@given(a=any_text, b=any_text, c=any_text)
def test_versions_form_a_total_order(a: str, b: str, c: str) -> None:
    va, vb, vc = parse_version(a), parse_version(b), parse_version(c)
    assert [va < vb, va == vb, vb < va].count(True) == 1  # totality and antisymmetry
    if va <= vb and vb <= vc:
        assert va <= vc  # transitivity
    if va == vb:
        assert hash(va) == hash(vb)
    assert (va < vb) == (version_key(a) < version_key(b))


@PROPERTY
@given(pair=st.one_of(*SCHEMES.values()))
def test_normalize_is_idempotent_and_removes_padding(pair: tuple[str, tuple]) -> None:
    text, _ = pair
    once = normalize(text)
    assert normalize(once) == once
    assert parse_version(once) == parse_version(text)
    assert not any(part.startswith("0") and part != "0" for part in _digit_runs(once))


def _digit_runs(text: str) -> list[str]:
    runs, current = [], ""
    for char in text + " ":
        if char.isdigit():
            current += char
        elif current:
            runs.append(current)
            current = ""
    return runs


@PROPERTY
@given(parts=st.lists(st.tuples(st.integers(0, 99), st.integers(1, 3), letter), min_size=2, max_size=4))
def test_zero_padded_and_unpadded_versions_are_equal(parts: list[tuple[int, int, str]]) -> None:
    plain = ".".join(f"{value}{suffix}" for value, _, suffix in parts)
    padded = ".".join(f"{value:0{width}d}{suffix}" for value, width, suffix in parts)
    assert parse_version(padded) == parse_version(plain)
    assert hash(parse_version(padded)) == hash(parse_version(plain))
    assert normalize(padded) == plain
    assert len({parse_version(padded), parse_version(plain)}) == 1


@PROPERTY
@given(text=st.text())
def test_parse_never_raises_and_keys_always_compare(text: str) -> None:
    version = parse_version(text)
    assert isinstance(version, Version)
    assert version.text == text
    sort_versions([text, "17.9.4a", "15.2(7)E8", "JuLy_TeSt(1.5E)", "02mar2020", ""])


@PROPERTY
@given(pair=ios(), trains=st.lists(ios_train, min_size=2, max_size=2, unique=True))
def test_different_trains_never_compare_equal(pair: tuple[str, tuple], trains: list[str]) -> None:
    text, model = pair
    first = text.replace(model[3], trains[0], 1)
    second = text.replace(model[3], trains[1], 1)
    assert parse_version(first) != parse_version(second)


# --- the shapes Cisco writes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scheme", "train", "normalized"),
    [
        ("15.2(7)E8", Scheme.PAREN, "E", "15.2(7)E8"),
        ("15.2(4)E10a", Scheme.PAREN, "E", "15.2(4)E10a"),
        ("12.2(55)SE12", Scheme.PAREN, "SE", "12.2(55)SE12"),
        ("15.5(3)S9a", Scheme.PAREN, "S", "15.5(3)S9a"),
        ("15.1(2)SY16", Scheme.PAREN, "SY", "15.1(2)SY16"),
        ("17.9.4a", Scheme.DOTTED, "", "17.9.4a"),
        ("17.09.04a", Scheme.DOTTED, "", "17.9.4a"),
        ("16.12.10a", Scheme.DOTTED, "", "16.12.10a"),
        ("3.16.10S", Scheme.DOTTED, "S", "3.16.10S"),
        ("03.16.10.S", Scheme.DOTTED, "S", "3.16.10.S"),
        ("7.0(3)I7(9)", Scheme.PAREN, "I7", "7.0(3)I7(9)"),
        ("9.3(10)", Scheme.PAREN, "", "9.3(10)"),
        ("10.2(5)M", Scheme.PAREN, "M", "10.2(5)M"),
        ("9.16(4)19", Scheme.PAREN, "", "9.16(4)19"),
        ("9.18(3)56", Scheme.PAREN, "", "9.18(3)56"),
        ("8.10.185.0", Scheme.DOTTED, "", "8.10.185.0"),
        ("7.9.2", Scheme.DOTTED, "", "7.9.2"),
        ("24.1.1", Scheme.DOTTED, "", "24.1.1"),
        ("4.10.08025", Scheme.DOTTED, "", "4.10.8025"),
        ("1.2", Scheme.DOTTED, "", "1.2"),
        ("JuLy_TeSt(1.5E)", Scheme.OTHER, "", "JuLy_TeSt(1.5E)"),
        ("02mar2020", Scheme.OTHER, "", "02mar2020"),
        (" 17.09.04a\n", Scheme.DOTTED, "", "17.9.4a"),
        ("2.12(0.498)", Scheme.PAREN, "", "2.12(0.498)"),  # FXOS
        ("7.3(8)N1(1)", Scheme.PAREN, "N1", "7.3(8)N1(1)"),  # Nexus 5000
        ("5.2(1)SV3(1.15)", Scheme.PAREN, "SV3", "5.2(1)SV3(1.15)"),  # Nexus 1000V
        ("4.2(3d)", Scheme.PAREN, "", "4.2(3d)"),  # UCS
        ("7.2.5.1-29", Scheme.DOTTED, "", "7.2.5.1-29"),  # FTD build
        ("15.2(7)e8", Scheme.OTHER, "", "15.2(7)e8"),  # trains are upper case; anything else is not guessed at
    ],
)
def test_parse_known_shapes(text: str, scheme: Scheme, train: str, normalized: str) -> None:
    version = parse_version(text)
    assert (version.scheme, version.train, version.normalized, version.text) == (scheme, train, normalized, text)
    assert version.family == scheme
    assert str(version) == normalized


@pytest.mark.parametrize(
    "ordered",
    [
        ["17.9.4", "17.9.4a", "17.9.4b", "17.9.5"],
        ["15.2(7)E", "15.2(7)E1", "15.2(7)E2", "15.2(7)E10", "15.2(7)E10a"],
        ["7.0(3)I7(9)", "7.0(3)I7(10)"],
        ["9.3(9)", "9.3(10)"],
        ["9.16(4)", "9.16(4)19", "9.16(4)57", "9.18(1)"],
        ["8.9.111.0", "8.10.105.0"],
        ["7.0(3)I4(8b)", "7.0(3)I7(1)"],  # trains I4 < I7 naturally, not as text ("I10" > "I4" too)
        ["7.0(3)I7(9)", "9.3(10)", "10.2(5)M"],  # mixed trains still read in release order
        ["15.2(2)E10", "15.2(2a)E1"],  # a lettered release comes after every rebuild of the plain one
        ["7.2.5", "7.2.5-208", "7.2.5.1-29"],
        ["2.10(1.179)", "2.12(0.498)", "2.12(1)", "2.12(1.29)"],
        ["4.2(3)", "4.2(3b)", "4.2(3d)", "4.2(10)"],
        ["02mar2020", "JuLy_TeSt(1.5E)", "1.2"],  # unparsed texts come first, naturally sorted
    ],
)
def test_cisco_order_of_each_scheme(ordered: list[str]) -> None:
    for _ in range(5):
        shuffled = random.sample(ordered, len(ordered))
        assert sort_versions(shuffled) == ordered
    assert sort_versions(ordered, reverse=True) == ordered[::-1]


def test_equal_spellings_and_distinct_trains() -> None:
    assert parse_version("17.9.4a") == parse_version("17.09.04a")
    assert parse_version("03.16.10.S") == parse_version("3.16.10S")
    assert version_key("17.9.4a") == version_key("17.09.04a")
    assert parse_version("15.2(7)E8") != parse_version("15.2(7)SE8")
    assert parse_version("9.3(10)") != parse_version("9.3.10")
    assert parse_version("abc") != parse_version("ABC")  # unparsed texts are equal only to themselves
    assert len({parse_version("17.9.4a"), parse_version("17.09.04a"), parse_version("17.9.4")}) == 2


def test_version_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_version("17.9.4a").text = "x"  # type: ignore[misc]


def test_huge_numbers_do_not_hit_the_int_conversion_limit() -> None:
    big = "1." + "9" * 5000
    assert parse_version(big) < parse_version("1.1" + "0" * 5000)
    assert parse_version("0" * 6000 + "1.2") == parse_version("1.2")


def test_sort_versions_accepts_version_objects() -> None:
    versions = [parse_version(t) for t in ("9.3(10)", "9.3(9)", "9.3(1)")]
    assert [v.text for v in sort_versions(versions)] == ["9.3(1)", "9.3(9)", "9.3(10)"]


# --- real release lists in their known order ------------------------------------------------------------------------

CAT9300_IOS_XE = (
    "16.12.1 16.12.1s 16.12.2 16.12.3 16.12.3a 16.12.3s 16.12.4 16.12.5 16.12.5b 16.12.6 16.12.7 16.12.8 "
    "16.12.9 16.12.10 16.12.10a 16.12.11 16.12.12 17.1.1 17.2.1 17.3.1 17.3.2a 17.3.3 17.3.4 17.3.5 17.3.6 "
    "17.3.7 17.3.8 17.3.8a 17.4.1 17.5.1 17.6.1 17.6.2 17.6.3 17.6.4 17.6.5 17.6.6 17.6.6a 17.6.7 17.7.1 "
    "17.8.1 17.9.1 17.9.2 17.9.3 17.9.4 17.9.4a 17.9.5 17.9.6 17.10.1 17.11.1 17.12.1 17.12.2 17.12.3 "
    "17.12.4 17.13.1 17.14.1 17.15.1 17.15.2"
).split()

CAT2960X_IOS = (
    "15.2(2)E 15.2(2)E1 15.2(2)E2 15.2(2)E3 15.2(2)E4 15.2(2)E5 15.2(2)E5a 15.2(2)E6 15.2(2)E7 15.2(2)E8 "
    "15.2(2)E9 15.2(2)E10 15.2(3)E 15.2(3)E1 15.2(3)E2 15.2(3)E3 15.2(3)E4 15.2(4)E 15.2(4)E1 15.2(4)E2 "
    "15.2(4)E3 15.2(4)E4 15.2(4)E5 15.2(4)E6 15.2(4)E7 15.2(4)E8 15.2(4)E9 15.2(4)E10 15.2(4)E10a "
    "15.2(5)E 15.2(5)E1 15.2(5)E2 15.2(6)E 15.2(6)E1 15.2(6)E2 15.2(6)E3 15.2(7)E 15.2(7)E1 15.2(7)E2 "
    "15.2(7)E3 15.2(7)E4 15.2(7)E5 15.2(7)E6 15.2(7)E7 15.2(7)E8 15.2(7)E9 15.2(7)E10"
).split()

NEXUS9000_NXOS = (
    "7.0(3)I4(8b) 7.0(3)I5(2) 7.0(3)I6(1) 7.0(3)I7(1) 7.0(3)I7(2) 7.0(3)I7(3) 7.0(3)I7(4) 7.0(3)I7(5) "
    "7.0(3)I7(5a) 7.0(3)I7(6) 7.0(3)I7(7) 7.0(3)I7(8) 7.0(3)I7(9) 7.0(3)I7(10) 9.2(1) 9.2(2) 9.2(3) 9.2(4) "
    "9.3(1) 9.3(2) 9.3(3) 9.3(4) 9.3(5) 9.3(6) 9.3(7) 9.3(7a) 9.3(8) 9.3(9) 9.3(10) 9.3(11) 9.3(12) 9.3(13) "
    "10.1(1) 10.1(2) 10.2(1)F 10.2(2)F 10.2(3)F 10.2(4)M 10.2(5)M 10.2(6)M 10.2(7)M 10.3(1)F 10.3(2)F "
    "10.3(3)F 10.3(4a)M 10.3(5)M 10.4(1)F 10.4(2)F 10.4(3)F 10.4(4)M 10.5(1)F"
).split()

ASA = (
    "9.12(1) 9.12(1)2 9.12(2) 9.12(2)1 9.12(3)12 9.12(4) 9.12(4)2 9.12(4)65 9.13(1) 9.13(1)7 9.14(1) "
    "9.14(1)30 9.14(2) 9.14(4)24 9.15(1) 9.15(1)21 9.16(1) 9.16(2)3 9.16(3)19 9.16(4) 9.16(4)19 9.16(4)57 "
    "9.17(1) 9.17(1)30 9.18(1) 9.18(2) 9.18(3)56 9.18(4)22 9.19(1) 9.19(1)12 9.20(1) 9.20(2) 9.20(2)10 9.20(3)"
).split()

AIREOS = (
    "8.5.103.0 8.5.105.0 8.5.110.0 8.5.120.0 8.5.131.0 8.5.135.0 8.5.140.0 8.5.151.0 8.5.160.0 8.5.161.0 "
    "8.5.164.0 8.5.171.0 8.5.182.0 8.6.101.0 8.7.102.0 8.7.106.0 8.8.100.0 8.8.111.0 8.8.120.0 8.8.125.0 "
    "8.8.130.0 8.9.100.0 8.9.111.0 8.10.105.0 8.10.112.0 8.10.113.0 8.10.121.0 8.10.122.0 8.10.130.0 "
    "8.10.142.0 8.10.151.0 8.10.162.0 8.10.171.0 8.10.181.0 8.10.183.0 8.10.185.0 8.10.190.0 8.10.196.0"
).split()

# Old IOS XE 3.x as it appears in image names, zero-padded, with the train after a dot.
CAT3850_OLD_XE = "03.06.05.E 03.06.06.E 03.06.10.E 03.07.04.E 3.7.5E 03.16.09.S 03.16.10.S".split()


@pytest.mark.parametrize(
    "known",
    [CAT9300_IOS_XE, CAT2960X_IOS, NEXUS9000_NXOS, ASA, AIREOS, CAT3850_OLD_XE],
    ids=["cat9300-iosxe", "cat2960x-ios", "nexus9000-nxos", "asa", "aireos", "cat3850-old-xe"],
)
@pytest.mark.parametrize("seed", range(3))
def test_real_release_lists_sort_into_their_known_order(known: list[str], seed: int) -> None:
    shuffled = random.Random(seed).sample(known, len(known))
    assert sort_versions(shuffled) == known
    assert len(set(map(parse_version, known))) == len(known)


def test_zero_padded_image_name_versions_sort_like_release_versions() -> None:
    padded = [re.sub(r"[0-9]+", lambda m: m.group().zfill(2), text) for text in CAT9300_IOS_XE]
    assert padded[CAT9300_IOS_XE.index("17.9.4a")] == "17.09.04a"
    assert [normalize(text) for text in sort_versions(padded)] == CAT9300_IOS_XE


# --- reading a device's release for its OS family -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "family", "canonical"),
    [
        ("17.09.04a", "ios_xe", "17.9.4a"),
        (" 17.9.4a ", "ios_xe", "17.9.4a"),
        ("03.16.10.S", "ios_xe", "3.16.10.S"),
        ("15.5(3)S10", "ios_xe", "15.5(3)S10"),
        ("15.2(07)E08", "ios", "15.2(7)E8"),
        ("12.4(25d)", "ios", "12.4(25d)"),
        ("9.3(10)", "nx_os", "9.3(10)"),
        ("7.0(3)I7(09)", "nx_os", "7.0(3)I7(9)"),
        ("9.16(4)19", "asa", "9.16(4)19"),
        ("7.2.5-208", "asa", "7.2.5-208"),
        ("8.10.185.0", "aireos", "8.10.185.0"),
        ("24.1.2", "ios_xr", "24.1.2"),
        ("5.1.2.42", "other", "5.1.2.42"),
        ("15.2(7)E8", "", "15.2(7)E8"),
    ],
)
def test_read_release_gives_the_canonical_spelling(text, family, canonical):
    assert str(read_release(text, family)) == canonical


@pytest.mark.parametrize(
    ("text", "family", "message"),
    [
        ("banana", "ios_xe", "'banana' is not an IOS XE release; write it as Cisco does, e.g. 17.9.4a"),
        ("17.9.4", "ios", "not an IOS release; write it as Cisco does, e.g. 15.2(7)E8"),
        ("9.3(10)", "ios_xe", "not an IOS XE release"),
        ("17.3(1r)", "ios_xe", "not an IOS XE release"),  # a ROMMON release, not what the device runs
        ("9.3.10", "nx_os", "e.g. 9.3(10)"),
        ("8.10.185", "aireos", "e.g. 8.10.185.0"),
        ("7.5", "ios_xr", "e.g. 7.5.2"),
        ("17", "other", "'17' is not a Cisco release; write it as Cisco does, e.g. 17.9.4a or 15.2(7)E8"),
        ("JuLy_TeSt(1.5E)", "other", "not a Cisco release"),
        ("<img src=x onerror=alert(1)>", "ios_xe", "not an IOS XE release"),
        ("17.9.4a\ninjected", "ios_xe", "not an IOS XE release"),
    ],
)
def test_read_release_refuses_what_is_not_a_release_of_the_family(text, family, message):
    with pytest.raises(ReleaseError) as caught:
        read_release(text, family)
    assert message in str(caught.value)


@PROPERTY
@given(st.one_of(ios().map(lambda case: (case[0], "ios")), nxos().map(lambda case: (case[0], "nx_os"))))
def test_read_release_keeps_equivalent_spellings_as_one(case):
    text, family = case
    canonical = str(read_release(text, family))
    assert read_release(canonical, family) == read_release(text, family)
    assert canonical == normalize(text) and not re.search(r"(?<![0-9])0[0-9]", canonical)
