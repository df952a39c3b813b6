"""Secrets and sessionalized query strings are masked in URLs, text and urllib3's own log lines."""

from __future__ import annotations

import logging

from portal.cisco.redact import install_urllib3_filter, redact_text, redact_url


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
