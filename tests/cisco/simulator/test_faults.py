"""The fault switchboard, the request log and the clock of the control API."""

from __future__ import annotations

import hashlib
import http.client
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import requests

from tests.cisco.simulator.helpers import assert_gateway_error, catalog_images, offer

PLAIN = "sim-plain.bin"
PLAIN_SIZE = 3 * (1 << 20) + 123


def _final_url(sim, name=PLAIN):
    sim.accept_forms()
    url = f"{offer(sim, name)['url']}&access_token={sim._token}"
    return requests.get(url, allow_redirects=False, timeout=10).headers["Location"]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (500, "Internal Server Error"),
        (502, "Bad Gateway"),
        (503, "API Maintenance/Service Unavailable"),
        (504, "Gateway Timeout"),
    ],
)
def test_status_faults_answer_the_generic_error_for_the_next_n_matching_requests(sample_simulator, status, message):
    sample_simulator.fault(path="compliance/eula$", kind="status", status=status, count=2)
    for _ in range(2):
        assert_gateway_error(sample_simulator.get("compliance/eula"), status, message)
    assert sample_simulator.get("compliance/k9").status_code == 200  # another path is not affected
    assert sample_simulator.get("compliance/eula").status_code == 200  # spent after two


def test_method_filter_and_listing_and_clearing(sample_simulator):
    armed = sample_simulator.fault(path="compliance", method="POST", count=5)
    assert armed["count"] == 5 and armed["method"] == "POST"
    assert sample_simulator.get("compliance/eula").status_code == 200
    listed = sample_simulator.session.get(f"{sample_simulator.url}/_sim/faults", timeout=5).json()["faults"]
    assert [f["id"] for f in listed] == [armed["id"]]
    sample_simulator.clear_faults()
    assert sample_simulator.post("compliance/eula", {"status": "Accepted"}).status_code == 200


@pytest.mark.parametrize(
    "spec",
    [{"kind": "explode"}, {"path": "("}, {"count": 0}, {"status": 200}, {"delay": -1}, {"after_bytes": "ten"}],
)
def test_bad_fault_descriptions_are_refused(sample_simulator, spec):
    response = sample_simulator.session.post(f"{sample_simulator.url}/_sim/faults", json=spec, timeout=5)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "INVALID_INPUT"


def test_delay_fault_holds_the_answer_back(sample_simulator):
    sample_simulator.fault(path="compliance/eula", kind="delay", delay=5)
    with pytest.raises(requests.exceptions.ReadTimeout):  # the answer is not there within 0.5 s
        sample_simulator.get("compliance/eula", timeout=0.5)
    assert sample_simulator.get("compliance/eula").status_code == 200  # the fault was used up


def test_truncate_fault_cuts_the_body_and_closes_the_connection(sample_simulator):
    final = _final_url(sample_simulator)
    sample_simulator.fault(path="^/dl/", kind="truncate", after_bytes=1000)
    parts = urlsplit(final)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", parts.path)
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Length") == str(PLAIN_SIZE)
    with pytest.raises(http.client.IncompleteRead) as caught:
        response.read()
    assert len(caught.value.partial) == 1000
    connection.close()
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        sample_simulator.fault(path="^/dl/", kind="truncate", after_bytes=5)
        requests.get(final, timeout=10).content  # noqa: B018 - reading is the point


def test_range_resume_after_a_truncated_download(sample_simulator):
    final = _final_url(sample_simulator)
    sample_simulator.fault(path="^/dl/", kind="truncate", after_bytes=1_500_000)
    received = bytearray()
    try:
        with requests.get(final, stream=True, timeout=10) as response:
            for chunk in response.iter_content(1 << 16):
                received += chunk
    except requests.exceptions.ChunkedEncodingError:
        pass
    # requests may drop the last partial chunk when the connection breaks; resume from what was kept.
    assert 0 < len(received) <= 1_500_000
    rest = requests.get(final, headers={"Range": f"bytes={len(received)}-"}, timeout=10)
    assert rest.status_code == 206
    received += rest.content
    assert hashlib.sha512(received).hexdigest() == catalog_images()[PLAIN]["sha512"]
    ranges = [entry["range"] for entry in sample_simulator.log() if entry["path"].startswith("/dl/")]
    assert ranges[-1] == f"bytes={PLAIN_SIZE - len(rest.content)}-"


def test_corrupt_fault_keeps_the_length_and_breaks_the_digest(sample_simulator):
    final = _final_url(sample_simulator)
    clean = requests.get(final, timeout=10).content
    sample_simulator.fault(path="^/dl/", kind="corrupt", after_bytes=(1 << 20) - 4)
    damaged = requests.get(final, timeout=10).content
    assert len(damaged) == len(clean) == PLAIN_SIZE
    differing = [i for i in range(len(clean)) if clean[i] != damaged[i]]
    assert differing == list(range((1 << 20) - 4, (1 << 20) + 12))
    assert hashlib.md5(damaged).hexdigest() != catalog_images()[PLAIN]["md5"]  # noqa: S324


def test_corrupt_and_truncate_work_on_json_answers_too(sample_simulator):
    sample_simulator.fault(path="compliance/k9", kind="corrupt", after_bytes=0)
    response = sample_simulator.get("compliance/k9")
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


def test_drop_fault_closes_the_connection_without_an_answer(sample_simulator):
    sample_simulator.fault(path="metadata/", kind="drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        sample_simulator.post("metadata/images", {"imageNames": [PLAIN]})
    assert sample_simulator.post("metadata/images", {"imageNames": [PLAIN]}).status_code == 200


def test_log_lists_requests_with_client_status_and_fault_and_hides_tokens(sample_simulator):
    sample_simulator.fault(path="compliance/eula", count=1)
    sample_simulator.get("compliance/eula")
    sample_simulator.get("compliance/k9")
    final_url = _final_url(sample_simulator)
    requests.get(final_url, timeout=10)
    log = sample_simulator.log()
    assert [(e["method"], e["path"], e["status"], e["fault"]) for e in log[:3]] == [
        ("POST", "/oauth2/default/v1/token", 200, None),
        ("GET", "/software/v4.0/compliance/eula", 503, "status"),
        ("GET", "/software/v4.0/compliance/k9", 200, None),
    ]
    assert log[2]["client"] == "depot-demo"
    cgi = next(e for e in log if e["path"] == "/pcgi-bin/swdld/download.cgi")
    assert "access_token=REDACTED" in cgi["query"] and sample_simulator._token not in cgi["query"]
    assert log[-1]["bytes"] == PLAIN_SIZE and log[-1]["client"] == "depot-demo"
    assert not any(e["path"].startswith("/_sim/") for e in log)


def test_clock_moves_and_reset_restores_it(sample_simulator):
    before = sample_simulator.session.get(f"{sample_simulator.url}/_sim/clock", timeout=5).json()
    after = sample_simulator.advance_clock(7200)
    assert after["offset"] == before["offset"] + 7200
    assert after["now"] - before["now"] >= 7200
    set_to = sample_simulator.session.post(f"{sample_simulator.url}/_sim/clock", json={"offset": 60}, timeout=5)
    assert set_to.json()["offset"] == 60
    sample_simulator.reset()
    assert sample_simulator.session.get(f"{sample_simulator.url}/_sim/clock", timeout=5).json()["offset"] == 0
    bad = sample_simulator.session.post(f"{sample_simulator.url}/_sim/clock", json={"advance": "soon"}, timeout=5)
    assert bad.status_code == 400


def test_clock_offset_option_starts_the_clock_ahead(simulator_factory):
    from tests.fixtures.simulator import SAMPLE_CATALOG

    sim = simulator_factory(SAMPLE_CATALOG, "--clock-offset", "86400")
    sim.reset()
    assert sim.session.get(f"{sim.url}/_sim/clock", timeout=5).json()["offset"] == 86400


def test_control_paths_are_never_faulted(sample_simulator):
    sample_simulator.fault(path=".*", kind="drop", count=3)
    assert sample_simulator.log() == []
    faults = sample_simulator.session.get(f"{sample_simulator.url}/_sim/faults", timeout=5).json()["faults"]
    assert faults[0]["count"] == 3


def test_hold_keeps_a_request_until_released_and_answers_as_the_simulator_then_stands(sample_simulator):
    sample_simulator.accept_forms()
    url = f"{offer(sample_simulator, PLAIN)['url']}&access_token={sample_simulator._token}"
    armed = sample_simulator.hold("download.cgi")
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(requests.get, url, allow_redirects=False, timeout=60)
        held = sample_simulator.wait_held()
        assert [(h["fault"], h["method"], h["path"]) for h in held] == [
            (armed["id"], "GET", "/pcgi-bin/swdld/download.cgi")
        ]
        assert not answer.done()
        sample_simulator.advance_clock(3601)  # the URL expires while its request is held
        assert sample_simulator.release() == 1
        response = answer.result(timeout=60)
    assert_gateway_error(response, 403, "Forbidden")
    assert sample_simulator.held() == []
    assert [e["fault"] for e in sample_simulator.log() if e["path"].endswith("download.cgi")] == ["hold"]


def test_hold_after_bytes_pauses_the_body_and_resumes_it_intact(sample_simulator):
    final = _final_url(sample_simulator)
    sample_simulator.hold("^/dl/", after_bytes=100_000)
    parts = urlsplit(final)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request("GET", parts.path)
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Content-Length") == str(PLAIN_SIZE)
    first = response.read(100_000)
    assert len(first) == 100_000
    sample_simulator.wait_held()
    sample_simulator.release()
    body = first + response.read()
    connection.close()
    assert hashlib.sha512(body).hexdigest() == catalog_images()[PLAIN]["sha512"]
    entry = next(e for e in sample_simulator.log() if e["path"].startswith("/dl/"))
    assert (entry["fault"], entry["bytes"]) == ("hold", PLAIN_SIZE)


def test_release_by_fault_lets_only_its_requests_go_and_later_counts_still_hold(sample_simulator):
    eula = sample_simulator.hold("compliance/eula", count=2)
    k9 = sample_simulator.hold("compliance/k9")
    with ThreadPoolExecutor(3) as pool:
        first_eula = pool.submit(sample_simulator.get, "compliance/eula")
        first_k9 = pool.submit(sample_simulator.get, "compliance/k9")
        sample_simulator.wait_held(2)
        assert sample_simulator.release(eula["id"]) == 1
        assert first_eula.result(timeout=60).status_code == 200
        assert [h["fault"] for h in sample_simulator.held()] == [k9["id"]]
        second_eula = pool.submit(sample_simulator.get, "compliance/eula")
        sample_simulator.wait_held(1, fault_id=eula["id"])  # the fault's second count holds this one
        sample_simulator.clear_faults()  # disarms and releases everything
        assert first_k9.result(timeout=60).status_code == 200
        assert second_eula.result(timeout=60).status_code == 200
    assert sample_simulator.held() == []


def test_reset_releases_held_requests(sample_simulator):
    sample_simulator.hold("compliance/eula")
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(sample_simulator.get, "compliance/eula")
        sample_simulator.wait_held()
        sample_simulator.reset()
        assert answer.result(timeout=60).status_code == 200


def test_a_hold_never_released_goes_on_after_its_timeout(sample_simulator):
    sample_simulator.hold("compliance/eula", timeout=0.2)
    assert sample_simulator.get("compliance/eula").status_code == 200


@pytest.mark.parametrize("spec", [{"kind": "hold", "timeout": 0}, {"kind": "hold", "timeout": "long"}])
def test_bad_hold_descriptions_are_refused(sample_simulator, spec):
    response = sample_simulator.session.post(f"{sample_simulator.url}/_sim/faults", json=spec, timeout=5)
    assert response.status_code == 400


def test_release_refuses_an_id_that_is_not_a_number(sample_simulator):
    response = sample_simulator.session.post(f"{sample_simulator.url}/_sim/faults/release", json={"id": "1"}, timeout=5)
    assert response.status_code == 400
