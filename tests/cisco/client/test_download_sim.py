"""Downloads over real HTTP: both delivery kinds through their redirects, Range, allow-list, expiry, faults."""

from __future__ import annotations

import hashlib
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.cisco.auth import AccessToken, MemoryTokenStore
from portal.cisco.download import DownloadUrlRefused
from portal.cisco.exceptions import DownloadInterrupted, HostNotAllowed, RangeMismatch

from .conftest import api_requests, token_requests

DL_PID = "SIM-DL-1"


def offer_for(client, sim, name):
    """A fresh DownloadOffer for one image of SIM-DL-1 (forms accepted), and the image's metadata."""
    sim.accept_forms()
    page = client.images_by_pid(pid=DL_PID, image_names=[name])
    image = page.records[0].images[0]
    urls = client.download_urls(
        pid=DL_PID,
        mdf_id=page.records[0].mdf_id,
        metadata_trans_id=page.metadata_trans_id,
        image_guids=[image.image_guid],
    )
    return urls.offers[0], image


def read_all(stream) -> bytes:
    with stream:
        return b"".join(stream.iter_chunks(1 << 16))


@pytest.mark.parametrize("name", ["sim-plain.bin", "sim-cloud.bin"])
def test_range_from_the_middle_is_honoured(sample_simulator, make_client, name):
    client = make_client(sample_simulator)
    offer, image = offer_for(client, sample_simulator, name)
    whole = read_all(client.open_image(offer))
    stream = client.open_image(offer, start=1000)
    assert stream.range_requested and stream.range_honoured and stream.offset == 1000
    assert stream.total_size == image.size
    assert read_all(stream) == whole[1000:]
    logged = len(sample_simulator.log())
    window = client.open_image(offer, start=10, end=20)
    assert read_all(window) == whole[10:20]
    hops = sample_simulator.log()[logged:]
    # Every hop carries the range: cloud goes files -> edge -> dl, default download.cgi -> dl.
    assert [(e["path"].split("/")[1], e["range"]) for e in hops] == [
        (first, "bytes=10-19") for first in (["files", "edge", "dl"] if offer.is_cloud else ["pcgi-bin", "dl"])
    ]
    assert (hops[-1]["status"], hops[-1]["bytes"]) == (206, 10)


def test_cloud_download_posts_the_token_and_default_appends_the_bearer(sample_simulator, make_client):
    client = make_client(sample_simulator)
    cloud, _ = offer_for(client, sample_simulator, "sim-cloud.bin")
    assert cloud.is_cloud
    read_all(client.open_image(cloud))
    plain, _ = offer_for(client, sample_simulator, "sim-plain.bin")
    read_all(client.open_image(plain))
    log = sample_simulator.log()
    assert any(e["method"] == "POST" and "/files/" in e["path"] and e["status"] == 302 for e in log)
    default_hops = [e for e in log if e["path"].endswith("download.cgi")]
    assert default_hops and all("access_token=REDACTED" in e["query"] for e in default_hops)
    assert not [e for e in default_hops if client.tokens.token() in e["query"]]
    # The bearer goes only to the URL the API gave, never to where it redirects.
    assert not [e for e in log if e["path"].startswith("/dl/") and "access_token" in e["query"]]


def test_range_past_the_end_is_a_range_mismatch(sample_simulator, make_client):
    client = make_client(sample_simulator)
    offer, image = offer_for(client, sample_simulator, "sim-plain.bin")
    with pytest.raises(RangeMismatch):
        client.open_image(offer, start=image.size)


def test_redirect_to_a_host_not_allowed_is_refused_before_connecting(sample_simulator, make_client):
    # sim-external.bin's last redirect points at 127.0.0.1:9, where nothing listens: a connection attempt
    # would end in a connection error after retries, the policy must refuse it first.
    port = sample_simulator.url.rsplit(":", 1)[1]
    client = make_client(sample_simulator, allowed_download_hosts=[f"127.0.0.1:{port}"])
    offer, _ = offer_for(client, sample_simulator, "sim-external.bin")
    with pytest.raises(HostNotAllowed, match="127.0.0.1:9"):
        client.open_image(offer)
    with pytest.raises(HostNotAllowed):
        make_client(sample_simulator, allowed_download_hosts=["*.cisco.com"]).open_image(offer)


def test_expired_url_is_refused_and_says_so(sample_simulator, make_client):
    client = make_client(sample_simulator)
    offer, _ = offer_for(client, sample_simulator, "sim-plain.bin")
    sample_simulator.advance_clock(3700)
    with pytest.raises(DownloadUrlRefused) as info:
        client.open_image(offer)
    assert (info.value.code, info.value.http_status) == ("Forbidden", 403)
    shown = f"{info.value} {info.value!r} {info.value.url}"
    secrets = [client.tokens.token(), parse_qs(urlsplit(offer.url).query)["dwnld_code"][0]]
    assert [secret for secret in secrets if secret in shown] == []
    assert set(re.findall(r"access_token=([^&\s\]']*)", shown)) <= {"***"}  # every value masked


def test_refused_bearer_on_a_default_url_is_replaced_once(sample_simulator, make_client):
    store = MemoryTokenStore()
    client = make_client(sample_simulator, token_store=store)
    offer, image = offer_for(client, sample_simulator, "sim-plain.bin")
    good = client.tokens.token()
    far = time.time() + 3000
    store.set(client.tokens.key, AccessToken("revoked-token", far, far).to_store(), 3000)
    client.tokens.invalidate(good)
    before = len(token_requests(sample_simulator))
    assert hashlib.md5(read_all(client.open_image(offer))).hexdigest() == image.md5  # noqa: S324
    assert len(token_requests(sample_simulator)) == before + 1
    refusal = sample_simulator.token_refusal_status  # 403 as the spec says, 401 behind a modern gateway
    refused = [e for e in sample_simulator.log() if e["path"].endswith("download.cgi") and e["status"] == refusal]
    assert len(refused) == 1


@pytest.mark.parametrize("kind", ["status", "drop", "hold"])
def test_faults_before_the_bytes_are_retried(sample_simulator, make_client, kind, caplog):
    # hold: the answer never comes while the client waits (released by the next reset), so the read timeout
    # is what ends each attempt, however busy the machine.
    client = make_client(sample_simulator, read_timeout=1)
    offer, image = offer_for(client, sample_simulator, "sim-cloud.bin")
    sample_simulator.fault("^/dl/", kind=kind, count=2, status=503)
    data = read_all(client.open_image(offer))
    assert hashlib.md5(data).hexdigest() == image.md5  # noqa: S324
    retries = [r for r in caplog.records if r.name == "portal.cisco.download" and "retry in" in r.getMessage()]
    assert len(retries) == 2


def test_truncated_body_reports_bytes_read_and_resumes_with_range(sample_simulator, make_client):
    client = make_client(sample_simulator)
    offer, image = offer_for(client, sample_simulator, "sim-plain.bin")
    sample_simulator.fault("^/dl/", kind="truncate", count=1, after_bytes=200_000)
    received = bytearray()
    with pytest.raises(DownloadInterrupted) as info:
        with client.open_image(offer) as stream:
            for chunk in stream.iter_chunks(65536):
                received += chunk
    assert info.value.bytes_read == len(received) < image.size
    rest = read_all(client.open_image(offer, start=len(received)))
    assert hashlib.md5(bytes(received) + rest).hexdigest() == image.md5  # noqa: S324


def test_corrupted_bytes_reach_the_caller_who_verifies_the_checksum(sample_simulator, make_client):
    # The client cannot know bytes are wrong; the published md5/sha512 are for the caller to check.
    client = make_client(sample_simulator)
    offer, image = offer_for(client, sample_simulator, "sim-plain.bin")
    sample_simulator.fault("^/dl/", kind="corrupt", count=1, after_bytes=100)
    data = read_all(client.open_image(offer))
    assert len(data) == image.size and hashlib.md5(data).hexdigest() != image.md5  # noqa: S324
    assert len(api_requests(sample_simulator, "/download/pidimage")) == 1
