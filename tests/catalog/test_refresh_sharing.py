"""The pairs of one PID share one "above" query from their lowest release, and a pair that answer does not cover
asks by itself: against the simulator over real HTTP, every device ends with exactly the releases a query of
its own would have returned."""

from __future__ import annotations

import pytest

from portal.catalog.choices import PairState, RefreshState
from portal.catalog.models import Product
from portal.catalog.selectors import ReleaseFilter, releases_of_product
from portal.catalog.services.refresh import catalog_refresh_run_inline, catalog_refresh_start
from portal.cisco.provider import get_client
from portal.cisco.versions import normalize
from portal.inventory.choices import OsFamily
from tests.factories_inventory import DeviceFactory

pytestmark = pytest.mark.django_db

PIDRELEASE = "/software/v4.0/metadata/pidrelease"


def _refresh(sim):
    refresh, _ = catalog_refresh_start(enqueue=False)
    refresh = catalog_refresh_run_inline(refresh_id=refresh.pk)
    calls = [entry for entry in sim.log() if entry["path"] == PIDRELEASE]
    assert refresh.state == RefreshState.DONE and refresh.calls == len(calls)
    return refresh, {p.current_release: p for p in refresh.pairs.all()}


def _upstream_above(pid: str, release: str) -> set[str]:
    """What a query of the pair's own returns: every page of "above" it, asked of the simulator afresh."""
    records = get_client().iter_releases(pid=pid, current_release=release, output_release="above")
    return {normalize(record.version) for record in records}


def _stored_above(pid: str, release: str) -> set[str]:
    product = Product.objects.get(pid=pid)
    return {r.version for r in releases_of_product(product, ReleaseFilter(above=release))}


def test_one_query_answers_every_release_it_lists(upstream):
    releases = ["17.3.8a", "17.6.7", "17.9.4", "17.12.4", "17.15.1"]
    for release in releases:
        DeviceFactory(pid="C9300-24P", current_release=release)
    refresh, pairs = _refresh(upstream.sim)

    assert refresh.calls == 1
    lowest = pairs["17.3.8a"]
    assert lowest.answered_by_id is None and lowest.calls == 1
    for release in releases[1:]:
        assert pairs[release].answered_by_id == lowest.pk and pairs[release].calls == 0
    assert pairs["17.12.4"].state == PairState.DONE and pairs["17.12.4"].records == 1
    assert pairs["17.15.1"].state == PairState.NO_DATA  # the newest: nothing above it
    for release in releases:
        assert _stored_above("C9300-24P", release) == _upstream_above("C9300-24P", release)


def test_a_release_the_shared_answer_does_not_list_asks_by_itself(upstream):
    DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    DeviceFactory(pid="C9300-24P", current_release="17.9.3")  # not published: the answer cannot speak for it
    refresh, pairs = _refresh(upstream.sim)

    assert refresh.calls == 2
    assert pairs["17.9.3"].answered_by_id is None and pairs["17.9.3"].calls == 1
    assert pairs["17.9.3"].state == PairState.DONE
    assert _stored_above("C9300-24P", "17.9.3") == _upstream_above("C9300-24P", "17.9.3")
    assert {"17.9.4", "17.9.5", "17.12.4"} <= _stored_above("C9300-24P", "17.9.3")


def test_releases_of_another_train_listed_in_the_answer_are_answered_by_it(upstream):
    for release in ("15.0(2)SE5", "15.0(2)SE11", "15.2(2)E6", "15.2(2)E9"):
        DeviceFactory(pid="WS-C2960+24TC-L", current_release=release, os_family=OsFamily.IOS)
    refresh, pairs = _refresh(upstream.sim)

    assert refresh.calls == 1  # above 15.0(2)SE5 lists the SE and the E releases
    lead = pairs["15.0(2)SE5"]
    assert {r for r, p in pairs.items() if p.answered_by_id == lead.pk} == {"15.0(2)SE11", "15.2(2)E6", "15.2(2)E9"}
    for release in pairs:
        assert _stored_above("WS-C2960+24TC-L", release) == _upstream_above("WS-C2960+24TC-L", release)


def test_releases_across_software_types_and_trains_lose_nothing(upstream):
    # 9.3(10) exists only among the EPLD updates, 9.3(12) in both software types; I7 and M are other trains.
    for release in ("7.0(3)I7(9)", "9.3(10)", "9.3(12)", "10.3(5)M", "10.3(9)M"):
        DeviceFactory(pid="N9K-C93180YC-EX", current_release=release, os_family=OsFamily.NX_OS)
    refresh, pairs = _refresh(upstream.sim)

    assert refresh.calls == 2  # 10.3(9)M is not published: it asks by itself
    lead = pairs["7.0(3)I7(9)"]
    assert [r for r, p in sorted(pairs.items()) if p.answered_by_id == lead.pk] == ["10.3(5)M", "9.3(10)", "9.3(12)"]
    assert pairs["10.3(9)M"].answered_by_id is None and pairs["10.3(9)M"].calls == 1
    for release in pairs:
        assert _stored_above("N9K-C93180YC-EX", release) == _upstream_above("N9K-C93180YC-EX", release)


def test_an_unknown_pid_is_asked_once(upstream):
    for release in ("1.0(1)", "1.0(2)", "2.0.1"):
        DeviceFactory(pid="NOT-A-REAL-PID", current_release=release)
    refresh, pairs = _refresh(upstream.sim)

    assert refresh.calls == 1
    assert {p.state for p in pairs.values()} == {PairState.NO_DATA}
    assert sum(p.answered_by_id is None for p in pairs.values()) == 1
