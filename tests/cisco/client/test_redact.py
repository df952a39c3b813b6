"""Secrets and sessionalized query strings are masked in URLs, text and urllib3's own log lines."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import requests

from portal.cisco.redact import MASK, install_urllib3_filter, looks_opaque, redact_text, redact_url
from tests.cisco.simulator.helpers import offer


def test_redact_url_masks_every_query_value_and_user_info():
    shown = redact_url("https://u:p@dl.cisco.com/a/b.bin?dwnld_code=XYZ&access_token=TOK#frag")
    assert shown == "https://dl.cisco.com/a/b.bin?dwnld_code=***&access_token=***"


def test_redact_text_masks_queries_bearers_and_literal_secrets():
    text = "GET /x?access_token=TOK failed; Authorization: Bearer abc.def; client_secret=S3 and S3CRET"
    shown = redact_text(text, ("S3CRET",))
    for secret in ("TOK", "abc.def", "S3CRET"):
        assert secret not in shown


def test_urllib3_request_lines_are_redacted(caplog):
    install_urllib3_filter()
    logger = logging.getLogger("urllib3.connectionpool")
    with caplog.at_level(logging.DEBUG, logger="urllib3.connectionpool"):
        logger.debug('%s://%s:%s "%s %s %s" %s %s', "http", "h", 80, "GET", "/d?access_token=TOK1", "HTTP/1.1", 302, 0)
    assert "TOK1" not in caplog.text and "/d?***" in caplog.text


def test_simulator_download_hop_code_is_masked_in_urls_and_text(sample_simulator):
    sample_simulator.accept_forms()
    entry = offer(sample_simulator, "sim-plain.bin")
    url = f"{entry['url']}&access_token={sample_simulator._token}"
    location = requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
    code, name = urlsplit(location).path.split("/")[2:4]
    assert urlsplit(location).path.startswith("/dl/") and len(code) >= 20
    shown = redact_url(location)
    assert code not in shown and shown.endswith(f"/dl/{MASK}/{name}")
    line = redact_text(f"GET {urlsplit(location).path} HTTP/1.1 failed: {location}")
    assert code not in line and f"/dl/{MASK}/{name} HTTP/1.1" in line


def test_normal_paths_keep_their_segments():
    path = "/files/swc/sec/4_SDSP27/1/anyconnect-linux64-4.10predeploy-k9.tar.gz"
    assert (
        redact_url(f"https://download.cisco.com{path}?dwnld_code=XYZ")
        == f"https://download.cisco.com{path}?dwnld_code=***"
    )
    assert redact_text(f"GET {path} HTTP/1.1") == f"GET {path} HTTP/1.1"
    for segment in ("anyconnect-win-predeploy-k9", "cat9k_iosxe-universalk9", "ISR4300-UNIVERSALK9_IAS", "17.09.04a"):
        assert not looks_opaque(segment), segment


def test_opaque_segments_are_masked_anywhere_in_the_path():
    code = "Zq3xT9vK2mW8pR4sY7nB1cD5"  # 24 characters, mixed case and digits
    shown = redact_url(f"https://edge.example.test/edge/{code}/x/{code.lower()}x/image.bin")
    assert shown == f"https://edge.example.test/edge/{MASK}/x/{MASK}/image.bin"
    assert looks_opaque(code) and not looks_opaque("short-Word9") and not looks_opaque("a" * 30)
