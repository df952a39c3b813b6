"""The OpenAPI schema reads well and says what each endpoint really takes and answers."""

from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("schema") / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))  # warnings fail the test
    return yaml.safe_load(out.read_text())


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_component_names_read_well(schema):
    names = set(schema["components"]["schemas"])
    assert not [name for name in names if "RequestRequest" in name]
    assert not {"BlankEnum", "NullEnum", "StatusEnum", "KindEnum", "ReasonEnum", "TriggerEnum"} & names
    assert not [name for name in names if re.fullmatch(r"Paginated\w*ListList", name)]
    assert {"DownloadJobRequest", "DecisionRequest", "FleetDownloadRequest", "DeviceImportRequest"} <= names
    text = yaml.safe_dump(schema)
    assert not [name for name in names if f"#/components/schemas/{name}'" not in text]  # none left unused


def test_every_operation_answers_a_described_shape_and_its_errors(schema):
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        where = f"{method.upper()} {path}"
        assert {"401", "403"} <= set(responses), where
        if "{" in path:
            assert "404" in responses, where
        if method in ("post", "put", "patch"):
            assert "400" in responses, where
        for code in ("400", "401", "403", "404"):
            if code in responses and code != "400":
                assert responses[code]["content"]["application/json"]["schema"]["$ref"].endswith("/Error"), where
        success = {code: answer for code, answer in responses.items() if code.startswith("2")}
        assert success, where
        for code, answer in success.items():
            if code == "204":
                assert "content" not in answer, where
                continue
            for media, content in answer["content"].items():
                shape = content["schema"]
                if media == "application/json":
                    assert "$ref" in shape or ("items" in shape and "$ref" in shape["items"]), where
                else:
                    assert shape["type"] == "string", where


def test_list_filters_are_documented_as_repeatable_with_their_choices(schema):
    devices = {p["name"]: p for p in schema["paths"]["/api/v1/devices/"]["get"]["parameters"]}
    for name in ("pid", "serial", "os_family", "site", "role", "tag", "release", "status"):
        assert devices[name]["schema"]["type"] == "array" and devices[name]["explode"] is True, name
    assert "ios_xe" in devices["os_family"]["schema"]["items"]["enum"]
    assert devices["q"]["schema"]["type"] == "string"
    releases = {p["name"]: p for p in schema["paths"]["/api/v1/catalog/releases/"]["get"]["parameters"]}
    assert releases["software_type"]["schema"]["items"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 2**63 - 1,
    }
    assert releases["suggested"]["schema"]["type"] == "boolean"
    recommendations = {p["name"] for p in schema["paths"]["/api/v1/catalog/recommendations/"]["get"]["parameters"]}
    assert {"status", "site", "pid", "page"} <= recommendations  # the device list's filters, documented there too
    device_releases = schema["paths"]["/api/v1/devices/{id}/releases/"]["get"]
    assert device_releases["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/PaginatedDeviceReleaseList"
    )
    assert {p["name"] for p in device_releases["parameters"]} >= {"all", "suggested", "page", "page_size"}


def test_device_releases_say_whether_the_list_is_complete(schema):
    components = schema["components"]["schemas"]
    page = components["PaginatedDeviceReleaseList"]
    fields = {"count", "next", "previous", "results", "catalog_state", "catalog_note"}
    assert set(page["properties"]) == fields and set(page["required"]) == fields
    assert page["properties"]["results"]["items"]["$ref"].endswith("/Release")
    state = page["properties"]["catalog_state"]
    assert state["nullable"] is True and state["allOf"][0]["$ref"].endswith("/CatalogStateEnum")
    assert components["CatalogStateEnum"]["enum"] == ["fetched", "not_fetched", "fetching", "failed"]
    assert page["properties"]["catalog_note"]["type"] == "string"


def test_objects_document_url_and_display(schema):
    components = schema["components"]["schemas"]
    for name in ("Device", "Product", "Release", "CatalogImage", "Standard", "Recommendation", "CatalogRefresh"):
        assert {"url", "display"} <= set(components[name]["properties"]), name
    for name in ("DownloadJob", "StoredImage", "Decision", "AuditRecord", "ComplianceForm", "Webhook"):
        assert {"url", "display"} <= set(components[name]["properties"]), name
    assert components["Device"]["properties"]["url"]["format"] == "uri"
    assert "payload_url" in components["WebhookRequest"]["properties"]
