"""Download URLs: default and cloud deliveries through their redirects, bytes, Range, expiry, restrictions."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, quote, urlsplit

import requests

from portal.cisco.errors import FORBIDDEN, NOT_AUTHORIZED
from portal.cisco.simulator.content import ImageBytes
from tests.cisco.simulator.helpers import (
    DL_MDF,
    DL_PID,
    EXTERNAL_URL,
    assert_error,
    assert_gateway_error,
    catalog_images,
    dl_metadata,
    download,
    images_of,
    offer,
)

PLAIN = "sim-plain.bin"
PLAIN_SIZE = 3 * (1 << 20) + 123


def _codes(entry):
    return [exception["code"] for exception in entry["exception"]]


def _default_url(sim, name=PLAIN):
    sim.accept_forms()
    entry = offer(sim, name)
    assert entry["token"] == ""
    return f"{entry['url']}&access_token={sim._token}"


def _content(name):
    image = catalog_images()[name]
    return ImageBytes(image["imageGuid"], int(image["size"]))


def test_default_download_goes_through_a_302_to_the_bytes(sample_simulator):
    url = _default_url(sample_simulator)
    first = requests.get(url, allow_redirects=False, timeout=10)
    assert first.status_code == 302
    location = first.headers["Location"]
    assert location.startswith(f"{sample_simulator.url}/dl/") and location.endswith(f"/{PLAIN}")
    response = requests.get(url, timeout=30)
    assert [r.status_code for r in response.history] == [302]
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) == PLAIN_SIZE == len(response.content)
    catalog = catalog_images()[PLAIN]
    assert hashlib.md5(response.content).hexdigest() == catalog["md5"]  # noqa: S324 - the API's digest
    assert hashlib.sha512(response.content).hexdigest() == catalog["sha512"]
    assert response.headers["Accept-Ranges"] == "bytes"


def test_default_download_needs_the_access_token_of_the_same_client(sample_simulator):
    sample_simulator.accept_forms()
    bare = offer(sample_simulator, PLAIN)["url"]
    assert_gateway_error(requests.get(bare, timeout=10), 403, NOT_AUTHORIZED)
    assert_gateway_error(requests.get(f"{bare}&access_token=forged", timeout=10), 403, NOT_AUTHORIZED)
    sample_simulator.session.post(
        f"{sample_simulator.url}/_sim/clients", json={"client_id": "lab", "client_secret": "lab-secret"}, timeout=5
    )
    other = requests.post(
        sample_simulator.token_url, data={"grant_type": "client_credentials"}, auth=("lab", "lab-secret"), timeout=5
    ).json()["access_token"]
    assert_gateway_error(requests.get(f"{bare}&access_token={other}", timeout=10), 403, NOT_AUTHORIZED)


def test_cloud_download_posts_the_token_and_follows_two_302s(sample_simulator):
    sample_simulator.accept_forms()
    entry = offer(sample_simulator, "sim-cloud.bin")
    assert entry["token"].startswith("4-") and "/files/swc/sec/" in entry["url"]
    response = requests.post(entry["url"], data={"X-Authentication-Control": entry["token"]}, timeout=10)
    assert [r.status_code for r in response.history] == [302, 302]
    assert urlsplit(response.history[1].url).path.startswith("/edge/")
    assert response.status_code == 200
    assert response.content == _content("sim-cloud.bin").read()


def test_cloud_download_refuses_without_the_right_token(sample_simulator):
    sample_simulator.accept_forms()
    entry = offer(sample_simulator, "sim-cloud.bin")
    assert_gateway_error(requests.get(entry["url"], timeout=10), 403, FORBIDDEN)
    wrong = requests.post(entry["url"], data={"X-Authentication-Control": "4-wrong"}, timeout=10)
    assert_gateway_error(wrong, 403, FORBIDDEN)
    as_json = requests.post(entry["url"], json={"X-Authentication-Control": entry["token"]}, timeout=10)
    assert_gateway_error(as_json, 415, "INVALID_MEDIATYPE")


def test_curl_style_post_through_the_redirects_also_gets_the_bytes(sample_simulator):
    # curl -X POST -L repeats the POST (with its body) on every hop; the hops must accept that too.
    sample_simulator.accept_forms()
    entry = offer(sample_simulator, "sim-cloud.bin")
    session = requests.Session()
    target, data = entry["url"], {"X-Authentication-Control": entry["token"]}
    for _ in range(3):
        response = session.post(target, data=data, allow_redirects=False, timeout=10)
        if response.status_code != 302:
            break
        target = response.headers["Location"]
    assert response.status_code == 200
    assert len(response.content) == 70_000


def test_external_bytes_are_reached_by_the_last_redirect(sample_simulator):
    url = _default_url(sample_simulator, "sim-external.bin")
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert response.headers["Location"] == EXTERNAL_URL


def test_range_requests(sample_simulator):
    url = _default_url(sample_simulator)
    final = requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
    content = _content(PLAIN)
    block = 1 << 20
    for header, (start, end) in {
        "bytes=0-99": (0, 100),
        f"bytes={block - 4}-{block + 11}": (block - 4, block + 12),  # across a block and its counter
        f"bytes={PLAIN_SIZE - 10}-": (PLAIN_SIZE - 10, PLAIN_SIZE),
        "bytes=-5": (PLAIN_SIZE - 5, PLAIN_SIZE),
        f"bytes=100-{PLAIN_SIZE + 1000}": (100, PLAIN_SIZE),
    }.items():
        response = requests.get(final, headers={"Range": header}, timeout=10)
        assert response.status_code == 206, header
        assert response.headers["Content-Range"] == f"bytes {start}-{end - 1}/{PLAIN_SIZE}"
        assert response.content == content.read(start, end), header
    past = requests.get(final, headers={"Range": f"bytes={PLAIN_SIZE}-"}, timeout=10)
    assert past.status_code == 416
    assert past.headers["Content-Range"] == f"bytes */{PLAIN_SIZE}"
    ignored = requests.get(final, headers={"Range": "bytes=0-1,5-6"}, timeout=10)
    assert ignored.status_code == 200 and len(ignored.content) == PLAIN_SIZE


def test_range_through_the_redirect_and_if_range(sample_simulator):
    url = _default_url(sample_simulator)
    response = requests.get(url, headers={"Range": "bytes=10-19"}, timeout=10)
    assert response.status_code == 206 and response.content == _content(PLAIN).read(10, 20)
    etag = response.headers["ETag"]
    same = requests.get(url, headers={"Range": "bytes=10-19", "If-Range": etag}, timeout=10)
    assert same.status_code == 206
    changed = requests.get(url, headers={"Range": "bytes=10-19", "If-Range": '"other"'}, timeout=10)
    assert changed.status_code == 200 and len(changed.content) == PLAIN_SIZE


def test_head_and_empty_images(sample_simulator):
    url = _default_url(sample_simulator)
    final = requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
    head = requests.head(final, timeout=10)
    assert head.status_code == 200 and head.headers["Content-Length"] == str(PLAIN_SIZE) and head.content == b""
    empty = requests.get(_default_url(sample_simulator, "sim-empty.bin"), timeout=10)
    assert empty.status_code == 200 and empty.content == b"" and empty.headers["Content-Length"] == "0"


def test_download_urls_expire_after_60_minutes(sample_simulator):
    url = _default_url(sample_simulator)
    final = requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
    sample_simulator.advance_clock(59 * 60)
    assert requests.head(final, timeout=10).status_code == 200
    sample_simulator.advance_clock(60)
    assert requests.head(final, timeout=10).status_code == 403
    expired = requests.get(final, timeout=10)
    body = assert_gateway_error(expired, 403, FORBIDDEN)
    assert "expired" in body["detail"]
    sample_simulator.token()
    fresh_token = sample_simulator._token
    again = requests.get(url.rsplit("&access_token=", 1)[0] + f"&access_token={fresh_token}", timeout=10)
    assert "expired" in assert_gateway_error(again, 403, FORBIDDEN)["detail"]


def test_restrictions_and_advisories(sample_simulator):
    sample_simulator.accept_forms()
    answer = download(
        sample_simulator,
        "sim-contract.bin",
        "sim-login.bin",
        "sim-advisory.bin",
        "sim-deferred.bin",
        "sim-cloud-k9.bin",
    )
    contract, login, advisory, deferred, cloud_k9 = answer["downloads"]
    assert (_codes(contract), contract["url"]) == (["CONTRACT_IMG_REQ"], "")
    assert (_codes(login), login["url"]) == (["LOGIN_REQD"], "")
    assert _codes(advisory) == ["SW_ADV_IMAGE"] and advisory["url"]
    assert _codes(deferred) == ["DEF_ADV_IMAGE"] and deferred["url"]
    assert cloud_k9["token"] and cloud_k9["url"]
    assert answer["pagination"]["totalRecords"] == 5


def test_each_request_is_one_session_with_distinct_urls(sample_simulator):
    sample_simulator.accept_forms()
    first = download(sample_simulator, PLAIN, "sim-cloud.bin")
    second = download(sample_simulator, PLAIN)
    assert first["sessionId"] != second["sessionId"]
    urls = [entry["url"] for entry in first["downloads"] + second["downloads"]]
    assert len(set(urls)) == 3


def test_cloud_urls_carry_a_query_string_like_the_spec_sample(sample_simulator):
    sample_simulator.accept_forms()
    entry = offer(sample_simulator, "sim-cloud.bin")
    query = parse_qs(urlsplit(entry["url"]).query)
    assert list(query) == ["ip", "dtrTag", "userid", "ak-org", "SEC", "tenant-id", "client", "__gda__"]
    assert query["userid"] == ["depot-demo"] and query["ip"] == ["127.0.0.1"]
    # A client that appends &access_token=... as the spec says for download URLs still reaches the file.
    appended = f"{entry['url']}&access_token={sample_simulator._token}"
    response = requests.post(appended, data={"X-Authentication-Control": entry["token"]}, timeout=10)
    assert response.status_code == 200 and response.content == _content("sim-cloud.bin").read()


def test_cloud_urls_are_refused_without_their_signature(sample_simulator):
    sample_simulator.accept_forms()
    entry = offer(sample_simulator, "sim-cloud.bin")
    bare = entry["url"].split("?", 1)[0]
    refused = requests.post(bare, data={"X-Authentication-Control": entry["token"]}, timeout=10)
    assert_gateway_error(refused, 403, FORBIDDEN)
    assert "__gda__" in refused.json()["detail"]


def test_cloud_tokens_must_be_form_encoded(sample_simulator):
    sample_simulator.accept_forms()
    entry = offer(sample_simulator, "sim-cloud.bin")
    token = entry["token"]
    assert all(part in token for part in ("%2F", "+", "/", "=")), token
    raw = requests.post(
        entry["url"],
        data=f"X-Authentication-Control={token}",  # not encoded: %2F arrives as "/", "+" as a space
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert_gateway_error(raw, 403, FORBIDDEN)
    encoded = requests.post(
        entry["url"],
        data=f"X-Authentication-Control={quote(token, safe='')}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert encoded.status_code == 200


def test_a_deleted_image_is_the_request_error_sw_no_longer_avl(sample_simulator):
    sample_simulator.accept_forms()
    meta = sample_simulator.post("metadata/pidimage", {"pid": "DS-C9148-K9", "imageNames": ["m9000-epld-3.2.1.img"]})
    (image,) = images_of(meta.json())
    body = {"pid": "DS-C9148-K9", "mdfId": "282253575", "metadataTransId": meta.json()["metadataTransId"]}
    response = sample_simulator.post("download/pidimage", body | {"imageGuids": [image["imageGuid"]]})
    assert response.status_code == 401
    assert_error(response, "SW_NO_LONGER_AVL")


def test_six_guids_are_too_many_even_when_repeated(sample_simulator):
    meta = dl_metadata(sample_simulator)
    guid = images_of(meta)[0]["imageGuid"]
    body = {"pid": DL_PID, "mdfId": DL_MDF, "metadataTransId": meta["metadataTransId"]}
    assert sample_simulator.post("download/pidimage", body | {"imageGuids": [guid] * 5}).status_code == 200
    assert_error(sample_simulator.post("download/pidimage", body | {"imageGuids": [guid] * 6}), "IMAGE_LIMIT_EXCEEDED")
