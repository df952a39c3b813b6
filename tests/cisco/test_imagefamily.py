"""Image families: the stem of an image file name (the part a new version never changes) and the series name
the PIDs' upstream names share."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.cisco.imagefamily import image_family_key, series_name

# Real file names of Cisco images, each with the stem every release of that image shares.
REAL = [
    ("cat9k_iosxe.17.09.04a.SPA.bin", "cat9k_iosxe"),
    ("cat9k_iosxe.16.12.10a.SPA.bin", "cat9k_iosxe"),
    ("cat9k_lite_iosxe.17.09.04a.SPA.bin", "cat9k_lite_iosxe"),
    ("C9800-80-universalk9_wlc.17.09.04a.SPA.bin", "C9800-80-universalk9_wlc"),
    ("c2960x-universalk9-mz.152-7.E10.bin", "c2960x-universalk9-mz"),
    ("me360x-universalk9-tar.153-3.S4.tar", "me360x-universalk9-tar"),
    ("c1700-y-mz.124-13a.bin", "c1700-y-mz"),
    ("asa9-16-4-19-smp-k8.bin", "asa9"),
    ("asdm-7181-152.bin", "asdm"),
    ("asdm-7171.bin", "asdm"),
    ("nxos64-cs.10.3.5.M.bin", "nxos64-cs"),
    ("nxos.7.0.3.I7.9.bin", "nxos"),
    ("n9000-epld.9.3.12.img", "n9000-epld"),
    ("asr9k-mini-x64-7.9.2.iso", "asr9k-mini-x64"),
    ("AIR-CT5520-K9-8-10-185-0.aes", "AIR-CT5520-K9"),
    ("isr4300_rommon_169_1r_SPA.pkg", "isr4300_rommon"),
    ("asr1000rpx86-universalk9.17.09.04a.SPA.bin", "asr1000rpx86-universalk9"),
]


@pytest.mark.parametrize(("name", "stem"), REAL)
def test_real_image_names_have_their_stem(name, stem):
    assert image_family_key(name) == stem


def test_a_name_without_a_version_keeps_all_but_its_extension():
    assert image_family_key("AnalogFWLoader.bin") == "AnalogFWLoader"
    assert image_family_key("weird") == "weird"


_SEGMENT = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)
_STEM = st.lists(_SEGMENT, min_size=1, max_size=4).flatmap(
    lambda parts: st.sampled_from(["_", "-"]).map(lambda sep: sep.join(parts))
)
_VERSION = st.lists(st.integers(0, 200), min_size=2, max_size=4).map(lambda ns: ".".join(map(str, ns)))


@given(stem=_STEM, version=_VERSION, suffix=st.sampled_from([".SPA.bin", ".bin", ".M.bin", ".tar", ""]))
def test_every_version_of_a_stem_has_the_same_key(stem, version, suffix):
    assert image_family_key(f"{stem}.{version}{suffix}") == stem
    assert image_family_key(f"{stem}-{version.replace('.', '-')}{suffix}") == stem


def test_series_name_is_what_the_pids_names_share_at_a_model_boundary():
    names = [
        "Catalyst 9300 24-port Data Switch",
        "Catalyst 9300L 24-port PoE+ 4x1G Uplink Switch",
        "Catalyst 9300X 12-port 25G Fiber Switch",
    ]
    assert series_name(names) == "Catalyst 9300"
    assert series_name(["Nexus 9000 Series Switch", "Nexus 9000 Series Fabric Module"]) == "Nexus 9000"
    assert series_name(["Catalyst 9300 24-port", "Catalyst 9500 40-port"]) == "Catalyst"
    assert series_name(["Cisco 1710 Security Router"]) == "Cisco 1710 Security Router"
    assert series_name(["ISR 4321", "C4331"]) == ""  # nothing shared worth a name: callers fall back to the stem
    assert series_name(["", "  "]) == ""


@given(st.lists(st.text(alphabet="AB9 -x", min_size=1, max_size=12), min_size=1, max_size=5))
def test_series_name_is_a_prefix_of_every_name(names):
    shared = series_name(names)
    assert all(" ".join(n.split()).startswith(shared) for n in names if n.strip())
