"""Tokens over real HTTP: one request per expiry for many threads, and the secret never shows."""

from __future__ import annotations

import logging
import threading

import pytest

from portal.cisco.exceptions import AsdError

from .conftest import token_requests


def test_fifty_threads_after_the_server_expired_the_token_fetch_one_new_token(sample_simulator, make_client):
    client = make_client(sample_simulator)
    client.k9_form()  # holds a token the client believes fresh
    sample_simulator.advance_clock(3600)  # ...which the upstream now refuses as expired
    before = len(token_requests(sample_simulator))
    errors: list[BaseException] = []
    barrier = threading.Barrier(50)

    def call():
        barrier.wait()
        try:
            client.image_status(image_names=["sim-plain.bin"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(token_requests(sample_simulator)) == before + 1
    # Each thread's first call was refused as the variant refuses tokens (403, or 401 behind a modern gateway).
    statuses = [e["status"] for e in sample_simulator.log() if e["path"].endswith("/metadata/images")]
    assert statuses.count(sample_simulator.token_refusal_status) >= 1 and statuses.count(200) == 50


def test_secret_and_tokens_never_reach_logs_or_exceptions(sample_simulator, make_client, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_client(sample_simulator)
    sample_simulator.accept_forms()
    page = client.images_by_pid(pid="SIM-DL-1", image_names=["sim-plain.bin"])
    urls = client.download_urls(
        pid="SIM-DL-1",
        mdf_id=page.records[0].mdf_id,
        metadata_trans_id=page.metadata_trans_id,
        image_guids=[page.records[0].images[0].image_guid],
    )
    with client.open_image(urls.offers[0]) as stream:
        for _ in stream.iter_chunks():
            pass
    bearer = client.tokens.token()
    sample_simulator.fault("metadata/images", kind="drop", count=1)
    client.image_status(image_names=["sim-plain.bin"])
    wrong = make_client(sample_simulator, client_secret="a-wrong-secret-xyz")
    with pytest.raises(AsdError) as info:
        wrong.k9_form()
    sample_simulator.advance_clock(3700)
    with pytest.raises(AsdError) as expired:
        client.open_image(urls.offers[0])
    texts = [caplog.text, str(info.value), repr(info.value), str(expired.value), repr(client), repr(client.tokens)]
    for secret in (sample_simulator.client_secret, "a-wrong-secret-xyz", bearer, urls.offers[0].url.split("?")[1]):
        assert all(secret not in text for text in texts), secret
    assert "GET /pcgi-bin/swdld/download.cgi?" in caplog.text  # urllib3 logged the hop, redacted
