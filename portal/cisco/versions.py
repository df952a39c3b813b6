"""Parse and order Cisco software versions.

Cisco writes versions in a few shapes; each is parsed into a :class:`Version` whose sort key orders it
the way Cisco means it, not the way a string sort would (``9.3(9) < 9.3(10)``, ``8.9.x < 8.10.x``).

Schemes (``Version.scheme``):

* ``paren`` -- ``major.minor(release)`` (the release may be dotted, FXOS ``2.12(0.498)``) and what follows:
  nothing (NX-OS ``9.3(10)``, ASA ``9.16(4)``), an interim number (ASA ``9.16(4)19``),
  a train with an optional rebuild (IOS ``15.2(7)E8``, ``15.2(4)E10a``, ``12.2(55)SE12``, NX-OS ``10.2(5)M``),
  or a train with a parenthesised rebuild (NX-OS ``7.0(3)I7(9)``, train ``I7``, rebuild 9).
* ``dotted`` -- dot-separated numbers, each with an optional lower-case letter (IOS XE ``17.9.4a``,
  IOS XR ``24.1.1``, AireOS ``8.10.185.0``, ``4.10.08025``), optionally followed by an upper-case train
  (old IOS XE ``3.16.10S`` or ``03.16.10.S``) and a ``-build`` number (``7.2.5-208``).
* ``other`` -- anything else (``JuLy_TeSt(1.5E)``, ``02mar2020``): never an error, ordered by a natural
  sort of its tokens (digit runs numerically, letter runs case-insensitively).

Ordering rules (the key, compared left to right):

1. Every ``other`` version sorts before every parsed one, so ``max()`` of a list prefers a real version.
2. The base release: the dotted numbers, or ``major.minor(release)``. Numbers compare numerically and a
   letter suffix sorts after the plain number: ``17.9.4 < 17.9.4a < 17.9.4b < 17.9.5``, ``15.2(2) < 15.2(2a)``.
3. The train: ``""`` (none) first, then by a natural sort of the train name (``E < SE``, ``I4 < I7``).
   Versions of different trains never compare equal: ``15.2(7)E8 != 15.2(7)SE8``. Because the base comes
   first, a mixed list still reads in release order (``7.0(3)I7(9) < 9.3(10) < 10.2(5)M``), and inside one
   train the order is exactly the train's own.
4. The rebuild: none first, then numerically with letter suffixes after:
   ``15.2(7)E < 15.2(7)E1 < 15.2(7)E2 < 15.2(7)E10 < 15.2(7)E10a``; ``9.16(4) < 9.16(4)19 < 9.16(4)57``.
5. The scheme (``paren`` before ``dotted``), so ``9.3(10)`` and ``9.3.10`` differ.
6. For ``other`` versions only, the text itself, so two different unparsed texts never compare equal.

Leading zeros never matter: ``17.09.04a == 17.9.4a`` (same key, same hash), ``03.16.10.S == 3.16.10S``.
``normalize`` removes them from every number of a parsed version (``17.09.04a -> 17.9.4a``) and leaves an
``other`` text as it is (apart from surrounding white space), since its digits are not version numbers.

Numbers are compared as digit strings (length, then digits) rather than converted with ``int()``, so a
pathological 10,000-digit component cannot trip Python's int-conversion limit.

Reading a release someone typed for a device (:func:`read_release`) is stricter than ordering: the text must be a
release of the device's OS family (``RELEASE_RULES``: IOS ``15.2(7)E8``, IOS XE ``17.9.4a``, NX-OS ``9.3(10)``,
...), never an ``other`` text, and it comes back in its canonical spelling, the one Cisco's catalog uses (leading
zeros removed: ``17.09.04a -> 17.9.4a``), so equivalent spellings are stored as one release.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

__all__ = [
    "RELEASE_RULES",
    "ReleaseError",
    "ReleaseRule",
    "Scheme",
    "Version",
    "normalize",
    "parse_version",
    "read_release",
    "sort_versions",
    "version_key",
]


class Scheme(enum.StrEnum):
    """How a version text was read (see the module docstring)."""

    PAREN = "paren"
    DOTTED = "dotted"
    OTHER = "other"


# Higher rank sorts later; only used to break ties between schemes (rule 1 and rule 5).
_SCHEME_RANK = {Scheme.OTHER: 0, Scheme.PAREN: 1, Scheme.DOTTED: 2}

_NUM = r"[0-9]+[a-z]?"
# Explicit [0-9] / [A-Z] rather than \d / \w: Unicode digits and letters are not version numbers.
_PAREN_RE = re.compile(
    rf"(?P<base>[0-9]+(?:\.[0-9]+)+)\((?P<release>{_NUM}(?:\.{_NUM})*)\)"  # FXOS: 2.12(0.498)
    r"(?:"
    rf"(?P<interim>{_NUM})"  # ASA interim: 9.16(4)19
    rf"|(?P<ptrain>[A-Z]+[0-9]*)\((?P<prebuild>{_NUM}(?:\.{_NUM})*)\)"  # NX-OS: 7.0(3)I7(9)
    rf"|(?P<train>[A-Z]+)(?P<rebuild>{_NUM})?"  # IOS: 15.2(7)E8, 10.2(5)M
    r")?"
)
_DOTTED_RE = re.compile(
    rf"(?P<base>{_NUM}(?:\.{_NUM})*)"
    rf"(?:\.?(?P<train>[A-Z]+)(?P<rebuild>{_NUM})?)?"  # old IOS XE: 3.16.10S, 03.16.10.S
    r"(?:-(?P<build>[0-9]+))?"  # build number: 7.2.5-208
)
_COMPONENT_RE = re.compile(r"([0-9]+)([a-z]?)")
_DIGITS_RE = re.compile(r"[0-9]+")
_TOKEN_RE = re.compile(r"[0-9]+|[^\W0-9_]+")

# A number component: (digit count, digits without leading zeros, letter suffix).
Component = tuple[int, str, str]
# A natural-sort token: (0, digit count, digits) for numbers, (1, 0, casefolded letters) for words.
Token = tuple[int, int, str]
VersionKey = tuple[int, tuple, tuple[Token, ...], tuple[Component, ...], int, str]

T = TypeVar("T", str, "Version")


def _strip_zeros(digits: str) -> str:
    return digits.lstrip("0") or "0"


def _component(text: str) -> Component:
    match = _COMPONENT_RE.fullmatch(text)
    if match is None:  # pragma: no cover - callers only pass regex-checked text
        raise ValueError(text)
    digits = _strip_zeros(match.group(1))
    return (len(digits), digits, match.group(2))


def _components(text: str, sep: str = ".") -> tuple[Component, ...]:
    return tuple(_component(part) for part in text.split(sep)) if text else ()


def _tokens(text: str) -> tuple[Token, ...]:
    tokens: list[Token] = []
    for tok in _TOKEN_RE.findall(text):
        if tok.isascii() and tok.isdigit():
            digits = _strip_zeros(tok)
            tokens.append((0, len(digits), digits))
        else:
            tokens.append((1, 0, tok.casefold()))
    return tuple(tokens)


def _zeroless(text: str) -> str:
    """Remove leading zeros from every run of digits."""
    return _DIGITS_RE.sub(lambda m: _strip_zeros(m.group()), text)


@dataclass(frozen=True, order=True)
class Version:
    """A parsed Cisco version; compares, sorts and hashes by ``key`` only (see the module docstring)."""

    text: str = field(compare=False)
    normalized: str = field(compare=False)
    scheme: Scheme = field(compare=False)
    train: str = field(compare=False)
    key: VersionKey = field(repr=False)

    @property
    def family(self) -> Scheme:
        """Alias of ``scheme``: the text alone cannot tell NX-OS ``9.3(10)`` from ASA ``9.16(4)``."""
        return self.scheme

    def same_train(self, other: Version) -> bool:
        """True when both versions belong to the same scheme and train (so their order is the train's own)."""
        return self.scheme == other.scheme and self.train == other.train

    def __str__(self) -> str:
        return self.normalized


def _parse_paren(match: re.Match[str]) -> tuple[tuple[Component, ...], str, tuple[Component, ...]]:
    base = _components(match["base"]) + _components(match["release"])
    if match["interim"]:
        return base, "", (_component(match["interim"]),)
    if match["ptrain"]:
        return base, match["ptrain"], _components(match["prebuild"])
    if match["train"]:
        return base, match["train"], _components(match["rebuild"] or "")
    return base, "", ()


def _parse_dotted(match: re.Match[str]) -> tuple[tuple[Component, ...], str, tuple[Component, ...]]:
    rebuild = _components(match["rebuild"] or "")
    if match["build"]:
        rebuild += (_component(match["build"]),)
    return _components(match["base"]), match["train"] or "", rebuild


@functools.lru_cache(maxsize=8192)
def parse_version(text: str) -> Version:
    """Parse any version text into a :class:`Version`; never raises (unknown shapes become ``other``)."""
    stripped = text.strip()
    for scheme, regex, reader in (
        (Scheme.PAREN, _PAREN_RE, _parse_paren),
        (Scheme.DOTTED, _DOTTED_RE, _parse_dotted),
    ):
        match = regex.fullmatch(stripped)
        if match is not None:
            base, train, rebuild = reader(match)
            train = _zeroless(train)
            key: VersionKey = (1, base, _tokens(train), rebuild, _SCHEME_RANK[scheme], "")
            return Version(text, _zeroless(stripped), scheme, train, key)
    key = (0, _tokens(stripped), (), (), _SCHEME_RANK[Scheme.OTHER], stripped)
    return Version(text, stripped, Scheme.OTHER, "", key)


def normalize(text: str) -> str:
    """The version with leading zeros removed from each number (``17.09.04a`` -> ``17.9.4a``)."""
    return parse_version(text).normalized


def version_key(text: str) -> VersionKey:
    """A sort key for a version text: ``sorted(texts, key=version_key)`` orders them the Cisco way."""
    return parse_version(text).key


def _key_of(item: str | Version) -> VersionKey:
    return item.key if isinstance(item, Version) else version_key(item)


def sort_versions(versions: Iterable[T], reverse: bool = False) -> list[T]:
    """Sort version texts or :class:`Version` objects the Cisco way (oldest first unless ``reverse``)."""
    return sorted(versions, key=_key_of, reverse=reverse)


@dataclass(frozen=True)
class ReleaseRule:
    """What a release of one OS family looks like: the schemes it is written in, the least count of numbers
    before a train (``17.9.4a`` has three, ``8.10.185.0`` four), whether a ``paren`` release needs a train, and
    an example for error messages."""

    label: str
    schemes: frozenset[Scheme]
    min_numbers: int
    example: str
    paren_train: bool = False


_BOTH = frozenset({Scheme.PAREN, Scheme.DOTTED})
# Keys are OS family slugs (the inventory's OsFamily values); a family not listed gets ANY_RELEASE.
RELEASE_RULES: dict[str, ReleaseRule] = {
    "ios": ReleaseRule("IOS", frozenset({Scheme.PAREN}), 3, "15.2(7)E8"),
    # IOS XE 3.x is also written the IOS way, with its train (15.5(3)S10).
    "ios_xe": ReleaseRule("IOS XE", _BOTH, 3, "17.9.4a", paren_train=True),
    "nx_os": ReleaseRule("NX-OS", frozenset({Scheme.PAREN}), 3, "9.3(10)"),
    # Firepower hardware guessed as ASA may run FTD (7.2.5-208) or FXOS (2.12(0.498)).
    "asa": ReleaseRule("ASA", _BOTH, 3, "9.16(4)19"),
    "aireos": ReleaseRule("AireOS", frozenset({Scheme.DOTTED}), 4, "8.10.185.0"),
    "ios_xr": ReleaseRule("IOS XR", frozenset({Scheme.DOTTED}), 3, "7.5.2"),
}
ANY_RELEASE = ReleaseRule("", _BOTH, 2, "17.9.4a or 15.2(7)E8")


class ReleaseError(ValueError):
    """A text that is not a release of the given OS family; the message says so with an example."""


def read_release(text: str, os_family: str = "") -> Version:
    """The release ``text`` names for a device of ``os_family``, in its canonical spelling (``str(version)``);
    raises :class:`ReleaseError` when it is not one (an ``other`` text is never a release of a device)."""
    rule = RELEASE_RULES.get(os_family, ANY_RELEASE)
    version = parse_version(text)
    numbers = len(version.key[1])
    train_ok = version.scheme is not Scheme.PAREN or version.train or not rule.paren_train
    if version.scheme in rule.schemes and numbers >= rule.min_numbers and train_ok:
        return version
    what = f"an {rule.label} release" if rule.label else "a Cisco release"  # every label is read "an ..."
    raise ReleaseError(f"{text.strip()[:64]!r} is not {what}; write it as Cisco does, e.g. {rule.example}")
