"""HTTP behaviour: unknown paths, methods, media types, malformed bodies, keep-alive, links."""

from __future__ import annotations

import http.client
import json
import socket
from email.message import Message
from urllib.parse import urlsplit

import pytest
import requests

from portal.cisco.simulator.app import Simulator as App
from portal.cisco.simulator.catalog import load_catalog
from portal.cisco.simulator.config import SimulatorConfig
from portal.cisco.simulator.wire import Request
from tests.cisco.simulator.helpers import assert_error, assert_gateway_error, offer
from tests.fixtures.simulator import SAMPLE_CATALOG


def test_unknown_paths_are_404(sample_simulator):
    for path in ("/software/v4.0/metadata/nothing", "/", "/software/v3.0/metadata/pidrelease"):
        body = assert_gateway_error(requests.get(f"{sample_simulator.url}{path}", timeout=5), 404, "API_UNAVAILABLE")
        assert body["httpStatus"] == 404


def test_wrong_method_is_405_with_allow(sample_simulator):
    response = sample_simulator.get("metadata/pidrelease")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_wrong_media_type_is_415(sample_simulator):
    response = sample_simulator.post(
        "metadata/images",
        data="imageNames=a.bin",
        json=None,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    body = assert_gateway_error(response, 415, "INVALID_MEDIATYPE")
    assert body["errorMessage"] == "Unsupported media type input by the user."


def test_malformed_json_is_400_and_a_non_object_is_invalid_input(sample_simulator):
    headers = {"Content-Type": "application/json"}
    bad = sample_simulator.post("metadata/images", data=b'{"imageNames": [', json=None, headers=headers)
    assert_gateway_error(bad, 400, "Bad Request")
    assert_error(sample_simulator.post("metadata/images", data=b"[1]", json=None, headers=headers), "INVALID_INPUT")


def test_keep_alive_and_chunked_request_bodies(sample_simulator):
    parts = urlsplit(sample_simulator.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {**sample_simulator.auth_headers(), "Content-Type": "application/json"}
    body = json.dumps({"imageNames": ["sim-plain.bin"]}).encode()
    connection.request("POST", "/software/v4.0/metadata/images", body=body, headers=headers)
    first = connection.getresponse()
    assert first.status == 200 and json.loads(first.read())["invalidImages"] == []
    sock = connection.sock
    connection.request(
        "POST",
        "/software/v4.0/metadata/images",
        body=iter([body[:10], body[10:]]),
        headers=headers,
        encode_chunked=True,
    )
    second = connection.getresponse()
    assert second.status == 200 and json.loads(second.read())["metadata"][0]["imageName"] == "sim-plain.bin"
    assert connection.sock is sock  # the same connection served both
    connection.close()


def test_a_trailing_slash_is_tolerated(sample_simulator):
    assert sample_simulator.get("compliance/eula/").status_code == 200


def test_links_follow_the_host_header(sample_simulator):
    sample_simulator.accept_forms()
    response = sample_simulator.post("metadata/images", {"imageNames": ["x"]}, headers={"Host": "asd.lab.test:8443"})
    assert response.json()["selfLink"] == "http://asd.lab.test:8443/software/v4.0/metadata/images"
    evil = sample_simulator.post("metadata/images", {"imageNames": ["x"]}, headers={"Host": "a b/c"})
    assert evil.json()["selfLink"].startswith(sample_simulator.url)


def test_public_url_option_sets_links_and_download_urls(simulator_factory):
    sim = simulator_factory(SAMPLE_CATALOG, "--public-url", "https://asd.example.test/")
    sim.reset()
    sim.accept_forms()
    assert offer(sim, "sim-plain.bin")["url"].startswith("https://asd.example.test/pcgi-bin/swdld/download.cgi?")
    selflink = sim.post("metadata/images", {"imageNames": ["x"]}).json()["selfLink"]
    assert selflink == "https://asd.example.test/software/v4.0/metadata/images"


def test_control_api_exists_only_with_control():
    catalog = load_catalog(SAMPLE_CATALOG)
    request = Request("GET", "/_sim/clock", {}, Message(), b"", "http://sim")
    assert App(SimulatorConfig(control=False), catalog).handle(request).status == 404
    assert App(SimulatorConfig(control=True), catalog).handle(request).status == 200


def _raw(sim, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes, read the whole answer (the simulator closes the connection after these errors)."""
    parts = urlsplit(sim.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "Request URI Too Long"),
        (b"this is not http\r\n\r\n", 400, "Bad Request"),
        (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", 505, "HTTP Version Not Supported"),
        (b"BREW /software/v4.0/metadata/images HTTP/1.1\r\nHost: x\r\n\r\n", 501, "Not Implemented"),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(120)) + b"\r\n", 431, None),
        (b"POST /software/v4.0/metadata/images HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", 413, None),
        (b"POST /software/v4.0/metadata/images HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n", 400, None),
    ],
)
def test_errors_of_the_http_layer_are_json_too(sample_simulator, data, status, code):
    got, headers, body = _raw(sample_simulator, data)
    assert got == status
    assert headers["content-type"].startswith("application/json")
    error = json.loads(body)
    assert error["httpStatus"] == status and error["errorCode"] and error["errorMessage"]
    if code:
        assert error["errorCode"] == code


def test_wrong_method_body_is_json(sample_simulator):
    response = sample_simulator.get("metadata/pidrelease")
    assert response.json()["httpStatus"] == 405 and response.json()["errorCode"] == "Method Not Allowed"
