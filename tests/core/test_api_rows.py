"""The API's serializers write rows in one pass (portal.core.api.serializers.RowsMixin); what they write is what
DRF's own path writes, key for key, on every list and detail of the API and on the cases DRF treats specially."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.db import models
from django.utils import timezone
from rest_framework import serializers

from portal.core.api.serializers import ModelSerializer, RowsMixin, Serializer
from portal.inventory.choices import OsFamily
from portal.inventory.models import Device
from tests.core.test_api_lists import CASES, IDS, ListCase, _rows

pytestmark = pytest.mark.django_db


def _drf_path(self: Any, instance: Any) -> dict:
    return serializers.Serializer.to_representation(self, instance)


@pytest.fixture
def client(api_as, administrator, settings):
    settings.PORTAL_ALLOWED_WEBHOOK_HOSTS = ["127.0.0.1"]
    return api_as(administrator)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_list_and_detail_answers_as_drf_writes_it(client, administrator, case: ListCase, monkeypatch):
    _rows(case, administrator, 3)
    paths = [case.path]
    first = client.get(case.path).json()
    if case.linked:
        paths += [row["url"] for row in first["results"]]
    ours = [client.get(path).json() for path in paths]
    monkeypatch.setattr(RowsMixin, "to_representation", _drf_path)
    theirs = [client.get(path).json() for path in paths]
    assert ours == theirs
    assert len(ours[0]["results"]) == 3


class _Thing:
    """An object with the odd cases: a missing attribute, a method, a None on the way, a str subclass."""

    def __init__(self, **attrs: Any) -> None:
        self.__dict__.update(attrs)

    def shout(self) -> str:
        return self.name.upper()


class _Choice(models.TextChoices):
    ONE = "one", "One"


class _OddSerializer(Serializer):
    name = serializers.CharField()
    shout = serializers.CharField()  # a method: DRF calls it
    count = serializers.IntegerField()
    flag = serializers.BooleanField()
    kind = serializers.ChoiceField(choices=_Choice.choices)
    label = serializers.CharField()  # a str subclass (an enum member) is written through str()
    missing_default = serializers.CharField(default="fallback")
    missing_null = serializers.CharField(allow_null=True, required=False)
    missing_skip = serializers.CharField(required=False)
    nested_name = serializers.CharField(source="parent.name", allow_null=True, default=None)
    when = serializers.DateTimeField()
    ratio = serializers.FloatField()
    whole = serializers.CharField(source="*", read_only=True)


def _thing(**overrides: Any) -> _Thing:
    attrs: dict[str, Any] = {
        "name": "sw1",
        "count": 3,
        "flag": True,
        "kind": "one",
        "label": _Choice.ONE,
        "parent": _Thing(name="core"),
        "when": dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC),
        "ratio": 1,
    }
    attrs.update(overrides)
    return _Thing(**attrs)


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"parent": None},  # a None on the way to nested_name
        {"count": "7", "flag": "yes", "ratio": "2.5"},  # values DRF converts
        {"count": None, "when": None},
        {"missing_skip": "here", "missing_null": "there"},
    ],
    ids=["plain", "none-on-the-way", "converted", "nulls", "present"],
)
def test_odd_cases_are_written_as_drf_writes_them(overrides, monkeypatch):
    thing = _thing(**overrides)
    ours = _OddSerializer(thing).data
    monkeypatch.setattr(RowsMixin, "to_representation", _drf_path)
    theirs = _OddSerializer(thing).data
    assert ours == theirs
    assert ours["shout"] == "SW1" and ours["missing_default"] == "fallback"
    assert ("missing_skip" in ours) == ("missing_skip" in overrides)


def test_dates_are_written_in_the_current_time_zone(monkeypatch):
    thing = _thing()
    with timezone.override(zoneinfo.ZoneInfo("Europe/Berlin")):
        ours = _OddSerializer(thing).data
        monkeypatch.setattr(RowsMixin, "to_representation", _drf_path)
        theirs = _OddSerializer(thing).data
    assert ours["when"] == theirs["when"] == "2026-12-02T10:30:00+01:00"


def test_a_dict_takes_drfs_path():
    row = {**_thing().__dict__, "parent": {"name": "core"}}
    del row["label"]
    with pytest.raises(KeyError):
        _OddSerializer(row).data  # noqa: B018 - DRF's own error for a dict without a required key
    row["label"], row["shout"] = "x", "SW1"
    assert _OddSerializer(row).data["nested_name"] == "core"


def test_a_device_row_with_and_without_its_recommendation(monkeypatch):
    class _DeviceRows(ModelSerializer):
        class Meta:
            model = Device
            fields = ["id", "hostname", "os_family", "memory_mb", "created", "netbox_id"]

    device = Device.objects.create(hostname="sw1", pid="C9300-24P", os_family=OsFamily.IOS_XE)
    ours = _DeviceRows([device], many=True).data
    monkeypatch.setattr(RowsMixin, "to_representation", _drf_path)
    assert ours == _DeviceRows([device], many=True).data
    assert ours[0]["memory_mb"] is None and ours[0]["os_family"] == "ios_xe"
