"""Absolute links for people (PORTAL_BASE_URL) and devices (PORTAL_DEVICE_BASE_URL), and their validation."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from portal.core.links import device_url, portal_url, route_filler
from tests.foundation.test_settings import run_check


def _request(host: str = "depot.internal:8000", secure: bool = False):
    return RequestFactory().get("/", HTTP_HOST=host, secure=secure)


def test_links_come_from_the_request_when_nothing_is_set(settings):
    settings.ALLOWED_HOSTS = ["depot.internal"]
    settings.PORTAL_BASE_URL = settings.PORTAL_DEVICE_BASE_URL = ""
    assert portal_url("/compliance/", _request()) == "http://depot.internal:8000/compliance/"
    assert portal_url("/compliance/", _request(secure=True)) == "https://depot.internal:8000/compliance/"
    assert device_url("/d/x/a.bin", _request()) == "http://depot.internal:8000/d/x/a.bin"
    assert portal_url("/compliance/") == "/compliance/"  # no request, no base: the path as it is


def test_base_urls_win_over_the_request_each_for_its_audience(settings):
    settings.ALLOWED_HOSTS = ["depot.internal"]
    settings.PORTAL_BASE_URL = "https://depot.example.net"
    settings.PORTAL_DEVICE_BASE_URL = "http://10.0.0.5:8080/depot"
    assert portal_url("/compliance/", _request()) == "https://depot.example.net/compliance/"
    assert portal_url("/compliance/") == "https://depot.example.net/compliance/"
    assert device_url("/d/x/a.bin", _request()) == "http://10.0.0.5:8080/depot/d/x/a.bin"


@pytest.mark.parametrize("variable", ["PORTAL_BASE_URL", "PORTAL_DEVICE_BASE_URL"])
@pytest.mark.parametrize(
    "value", ["depot.example.net", "ftp://depot.example.net", "https://", "https://h/?a=1", "https://h:port"]
)
def test_a_bad_base_url_stops_startup_naming_the_variable(tmp_path, variable, value):
    result = run_check(tmp_path, **{variable: value})
    lines = [line for line in result.stderr.strip().splitlines() if line]
    assert result.returncode != 0 and len(lines) == 1, result.stderr
    assert lines[0].startswith("depot: configuration error:") and variable in lines[0]


def test_a_password_in_a_base_url_is_refused_without_being_shown(tmp_path):
    result = run_check(tmp_path, PORTAL_BASE_URL="https://user:s3cret-pw@depot.example.net")
    assert result.returncode != 0 and "PORTAL_BASE_URL" in result.stderr
    assert "s3cret-pw" not in result.stderr


def test_good_base_urls_start(tmp_path):
    result = run_check(
        tmp_path, PORTAL_BASE_URL="https://depot.example.net/", PORTAL_DEVICE_BASE_URL="http://10.0.0.5:8000"
    )
    assert result.returncode == 0, result.stderr


@given(st.text(min_size=1, max_size=40).filter(lambda text: text.strip() and "\x00" not in text))
@hypothesis_settings(max_examples=200, deadline=None)
def test_a_filled_route_is_what_reverse_gives(value):
    """Lists fill one reversed route per row (portal.core.links.route_filler) instead of reversing per row."""
    fill = route_filler("catalog:product-detail")
    try:
        expected = reverse("catalog:product-detail", args=[value])
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            fill(value)
    else:
        assert fill(value) == expected


def test_a_filled_route_takes_ids_and_plain_keys_as_they_are():
    fill = route_filler("api-device-detail")
    assert [fill(7), fill(1234567)] == [reverse("api-device-detail", args=[7]), "/api/v1/devices/1234567/"]
    assert route_filler("catalog:product-detail")("C9300-24P") == "/catalog/products/C9300-24P/"
    assert route_filler("catalog:product-detail")("ASR1001-X/K9 rev 2") == reverse(
        "catalog:product-detail", args=["ASR1001-X/K9 rev 2"]
    )
