"""The one sanitising policy for upstream HTML (portal.core.sanitise): the hostile corpus comes out inert, links
keep only safe targets, and every page that shows the same upstream field shows it the same way."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from downloads.choices import ComplianceNeed, JobState
from portal.core.sanitise import ALLOWED_TAGS, plain_text, safe_url, sanitise_html
from tests.core.htmlcheck import HOSTILE, links, problems
from tests.factories_downloads import DownloadJobFactory

ART = (
    'Go to <a title="ART" href="https://edsart.cloudapps.cisco.com/createRequest" target="_blank">ART</a> to '
    'request access. Email technical support <a href="mailto:ent-dl@cisco.com">ent-dl@cisco.com</a>.<br>Thanks'
)


@pytest.mark.parametrize("fragment", HOSTILE)
def test_each_hostile_fragment_comes_out_inert(fragment):
    assert problems(str(sanitise_html(fragment))) == []


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,x",
        "java\tscript:x",
        "\x01https://ok.example/",
        "https://ok.example/\x7f",
        "//evil.example/",
        "/relative",
        "https:///nohost",
        "https://ok\\.example/",
        "mailto:javascript:alert(1)",
        "mailto:a@b.example?bcc=c@evil.example",
        "mailto:",
    ],
)
def test_links_may_only_point_to_absolute_http_urls_or_one_mail_address(url):
    assert safe_url(url) is None


def test_cisco_messages_keep_their_links_line_breaks_and_text():
    html = str(sanitise_html(ART))
    kept = links(html)
    assert [a["href"] for a in kept] == ["https://edsart.cloudapps.cisco.com/createRequest", "mailto:ent-dl@cisco.com"]
    assert all(a["rel"] == "noopener noreferrer" and a["target"] == "_blank" for a in kept)
    assert kept[0]["title"] == "ART" and "<br>" in html and "Thanks" in html


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcdehilmnoprstvwxy:;&#()@\t\n\x00\x01")), max_size=120))
def test_output_is_inert_for_generated_markup(text):
    html = str(sanitise_html(text))
    assert problems(html) == []
    for tag in re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", html):
        assert tag.lower() in ALLOWED_TAGS


def test_plain_text_drops_every_tag_and_script_text_and_decodes_entities():
    assert plain_text(ART) == "Go to ART to request access. Email technical support ent-dl@cisco.com.Thanks"
    assert plain_text("<script>alert(1)</script>a &amp; b&nbsp;<b>c</b>\n\n d") == "a & b c d"
    assert plain_text(None) == "" and plain_text(42) == "42"
    # Controls go (an ANSI escape in an e-mail, a bidi override that reverses text); line breaks become spaces.
    assert plain_text("a\x00b\x07\x1b[2Jc\x7f\u202ed\u2028e\r\nf\x85g") == "ab[2Jcd e f g"
    # Decoded text is text: "&lt;b&gt;" says "<b>", which the template then escapes again.
    assert plain_text("&lt;b&gt;x") == "<b>x"
    assert "alert" not in plain_text('<script>alert(1)</script><style>x</style><svg onload="alert(2)">y</svg>')


def test_the_template_filter_is_the_policy():
    rendered = Template("{% load upstream %}{{ value|upstream_html }}").render(Context({"value": "".join(HOSTILE)}))
    assert rendered == str(sanitise_html("".join(HOSTILE)))


@pytest.mark.django_db
def test_a_jobs_upstream_message_looks_the_same_to_engineers_and_officers(client, administrator):
    job = DownloadJobFactory(
        state=JobState.AWAITING_COMPLIANCE,
        waiting_for=ComplianceNeed.K9,
        upstream_code="K9_FORM_AR",
        upstream_message=ART + "<b>bold</b><code>c</code><script>alert(1)</script>",
    )
    client.force_login(administrator)
    expected = str(sanitise_html(job.upstream_message))
    for url in (reverse("downloads:job-detail", args=[job.pk]), reverse("compliance:queue")):
        page = client.get(url).content.decode()
        assert expected in page, url
        assert problems(page) == [], url
