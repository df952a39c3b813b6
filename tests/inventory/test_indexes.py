"""The device list's indexes on PostgreSQL: the hostname search reads its trigram index, the sorts their btrees."""

from __future__ import annotations

import pytest
from django.db import connection

from portal.inventory.filters import DeviceFilter
from portal.inventory.models import Device
from tests.factories_inventory import DeviceFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram and covering indexes are PostgreSQL's"),
]


def _plan(queryset, *, off: tuple[str, ...] = ("seqscan",)) -> str:
    """The plan of ``queryset`` on fresh statistics with the ``off`` scan kinds priced out: which index can answer
    it (on a table of a few rows the planner would rather read it all)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inventory_device")
        for kind in off:
            cursor.execute(f"SET LOCAL enable_{kind} = off")
    return queryset.explain()


def test_the_hostname_search_the_list_sends_can_use_the_trigram_index():
    DeviceFactory(hostname="ber-core-1")
    DeviceFactory(hostname="ber-acc-1")
    search = DeviceFilter({"q": "core-1"}, queryset=Device.objects.all()).qs
    assert [d.hostname for d in search] == ["ber-core-1"]
    plan = _plan(search.order_by().values("pk"), off=("seqscan", "indexscan", "indexonlyscan"))
    assert "Bitmap Index Scan on device_hostname_trgm" in plan, plan


def test_a_sorted_page_of_ids_reads_the_sort_index_alone():
    DeviceFactory(hostname="ber-core-1", site="ber1")
    page = Device.objects.order_by("-site", "-hostname").values_list("pk", flat=True)[10:20]
    plan = _plan(page)
    assert "Index Only Scan Backward using device_site_host" in plan, plan


def test_the_hostname_search_expression_keeps_finer_statistics():
    """1,000 histogram bounds for UPPER(hostname): one bound matching a rare search reads as 0.1% of the table, not
    1%, and the planner keeps reading the trigram index instead of walking the hostname index (migration 0006)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = 'device_hostname_trgm'::regclass AND attnum = 1"
        )
        assert cursor.fetchone()[0] == 1000
