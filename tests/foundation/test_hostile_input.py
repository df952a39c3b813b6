"""Inputs a schema-driven fuzzer does not make, each once answered 500: bodies nested thousands of levels deep and
Range headers with numbers of thousands of digits. Each must get a 4xx (or be ignored), never a 5xx."""

from __future__ import annotations

import hashlib

import pytest

from downloads.services import device_link_create
from portal.core.api.parsers import MAX_DEPTH, json_depth
from tests.factories_downloads import stored_image_with_file

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/devices/",
    "/api/v1/devices/import/",
    "/api/v1/downloads/jobs/",
    "/api/v1/compliance/decisions/",
    "/api/v1/catalog/standards/",
]


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("depth", [100_000, MAX_DEPTH + 1])
def test_a_body_nested_too_deep_is_a_400_not_a_crash(api_as, administrator, path, depth):
    body = "[" * depth + "]" * depth
    response = api_as(administrator).post(path, body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "parse_error"
    assert f"more than {MAX_DEPTH} levels" in response.json()["message"]


def test_a_body_at_the_depth_limit_is_parsed_and_judged_on_its_merits(api_as, administrator):
    nested = {"hostname": "deep-1", "pid": "C9300-48P", "notes": "x"}
    value: object = "leaf"
    for _ in range(MAX_DEPTH - 1):
        value = [value]
    nested["tags"] = value
    assert json_depth(nested) == MAX_DEPTH
    response = api_as(administrator).post("/api/v1/devices/", nested, format="json")
    assert response.status_code == 400  # tags must be strings: a field error, not a parse error
    assert response.json()["code"] == "invalid_input" and "tags" in response.json()["fields"]


def test_json_depth_counts_levels_without_recursion():
    assert json_depth(3) == 0
    assert json_depth([]) == 1
    assert json_depth({"a": [1, {"b": []}]}) == 4
    deep: list = []
    for _ in range(200_000):  # far past the interpreter's recursion limit
        deep = [deep]
    assert json_depth(deep) == 200_001


HUGE = "9" * 5000


@pytest.mark.parametrize("header", [f"bytes={HUGE}-", f"bytes=0-{HUGE}", f"bytes=-{HUGE}", f"bytes={HUGE}-{HUGE}"])
def test_a_range_of_thousands_of_digits_is_ignored_on_device_links_and_files(client, api_as, engineer, header):
    image = stored_image_with_file()
    link = client.get(device_link_create(stored_image=image), HTTP_RANGE=header)
    assert link.status_code == 200
    assert hashlib.sha512(b"".join(link.streaming_content)).hexdigest() == image.sha512
    api = api_as(engineer).get(f"/api/v1/downloads/images/{image.pk}/file/", HTTP_RANGE=header)
    assert api.status_code == 200 and int(api["Content-Length"]) == image.size


def test_an_ordinary_range_still_works_beside_the_limit(client):
    image = stored_image_with_file()
    response = client.get(device_link_create(stored_image=image), HTTP_RANGE="bytes=999999999999999999-")
    assert response.status_code == 416  # 18 digits: a real number, past the end


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/devices/71236054592837869568/",
        "/api/v1/devices/71236054592837869568/recommendation/",
        "/api/v1/catalog/recommendations/71236054592837869568/",
        "/api/v1/downloads/jobs/71236054592837869568/",
        "/api/v1/compliance/audit/71236054592837869568/",
    ],
)
def test_an_id_of_twenty_digits_is_not_found_on_either_database(api_as, administrator, path):
    response = api_as(administrator).get(path)
    assert response.status_code == 404, response.content[:300]
    assert response.json()["code"] == "not_found"


def test_an_unknown_api_path_is_a_json_404_and_a_page_path_is_a_page(api_as, administrator, client):
    response = api_as(administrator).get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    client.force_login(administrator)
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
