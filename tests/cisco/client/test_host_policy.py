"""Download hosts: only allowed ones, IP literals only when listed exactly, https unless listed or DEBUG."""

from __future__ import annotations

import pytest

from portal.cisco.download import HostPolicy
from portal.cisco.exceptions import HostNotAllowed

POLICY = HostPolicy(["*.cisco.com", "127.0.0.1", "localhost:8001", "[::1]", ".example.net"])


@pytest.mark.parametrize(
    "url",
    [
        "https://download-ssc.cisco.com/files/x.bin?a=1",
        "https://dl.cisco.com:443/x",
        "http://127.0.0.1:8001/dl/x",  # listed exactly: http allowed
        "http://127.0.0.1:9999/dl/x",  # no port in the entry: any port
        "http://localhost:8001/x",
        "http://[::1]:8001/x",
        "https://a.b.example.net/x",
    ],
)
def test_allowed(url):
    POLICY.check(url)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://dl.cisco.com/x", "https required"),  # wildcard match: https only
        ("https://cisco.com.evil.org/x", "not in"),
        ("https://evilcisco.com/x", "not in"),
        ("https://cisco.com/x", "not in"),  # "*.cisco.com" means subdomains
        ("http://localhost:8002/x", "not in"),  # port differs from the entry
        ("http://10.0.0.1/x", "not in"),
        ("http://169.254.169.254/latest/meta-data", "not in"),
        ("http://192.168.1.1/x", "not in"),
        ("http://2130706433/x", "not in"),  # 127.0.0.1 as one number
        ("http://0x7f.1/x", "not in"),
        ("https://user:pw@dl.cisco.com/x", "user-info"),
        ("ftp://dl.cisco.com/x", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("https:///nohost", "scheme"),
    ],
)
def test_refused(url, why):
    with pytest.raises(HostNotAllowed, match=why):
        POLICY.check(url)


def test_debug_allows_http_to_any_allowed_host_but_not_to_unlisted_ones():
    policy = HostPolicy(["*.cisco.com"], allow_http=True)
    policy.check("http://dl.cisco.com/x")
    with pytest.raises(HostNotAllowed):
        policy.check("http://127.0.0.1/x")


def test_refusal_text_hides_the_query_string():
    with pytest.raises(HostNotAllowed) as info:
        POLICY.check("https://evil.org/x?access_token=SECRET123")
    assert "SECRET123" not in str(info.value)
