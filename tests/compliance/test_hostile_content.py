"""Hostile upstream content renders inert on every page that shows it (asserted on the page HTML), and the
simulator's own forms render as Cisco's text with safe links."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.choices import FormKind
from compliance.sanitise import ALLOWED_TAGS, safe_url, sanitise_html
from compliance.services import form_snapshot_fetch
from tests.compliance.htmlcheck import links, problems
from tests.factories_compliance import K9_SAMPLE, record, snapshot

HOSTILE = [
    '<script>alert("s1")</script>',
    "<img src=x onerror=alert(2)>",
    "<a href=\"javascript:alert('s3')\">js link</a>",
    '<a href="JaVaScRiPt:alert(4)">mixed case</a>',
    '<a href="jav&#x09;ascript:alert(5)">entity tab</a>',
    '<a href="java\tscript:alert(6)">raw tab</a>',
    '<a href="\x01javascript:alert(7)">leading control</a>',
    '<a href="https://ok.example/\x00x">nul in url</a>',
    '<a href="https://ok.example/a\nb">newline in url</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==">data link</a>',
    '<a href="vbscript:msgbox(9)">vbscript</a>',
    '<a href="//evil.example/">protocol-relative</a>',
    '<a href="/admin/">relative</a>',
    "<svg onload=alert(10)><script>alert(11)</script></svg>",
    '<svg><a xlink:href="javascript:alert(12)"><text>svg link</text></a></svg>',
    '<p style="background:url(javascript:alert(13))">styled</p>',
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example/"><input name=x><button formaction="javascript:alert(14)">go</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    '"><script>alert(15)</script>',
    "'><img src=x onerror=alert(16)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(17)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(18)>">',
    '<div onclick="alert(19)" onmouseover="alert(20)">div</div>',
    '<a href="https://ok.example/" onclick="alert(21)" target="_self">kept link</a>',
    '<IMG SRC="jav&#x0A;ascript:alert(22)">',
    "<body onload=alert(23)>",
    "<<script>script>alert(24)<</script>/script>",
]
CORPUS = "".join(HOSTILE)
K9_TEXT_FIELDS = [key for key in K9_SAMPLE["k9Content"]]


@pytest.mark.parametrize("fragment", HOSTILE)
def test_sanitiser_leaves_each_fragment_inert(fragment):
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
    ],
)
def test_only_absolute_http_urls_without_control_characters_are_links(url):
    assert safe_url(url) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcdehilmnoprstvwxy:;&#()\t\n\x00\x01")), max_size=120))
def test_sanitiser_output_is_inert_for_generated_markup(text):
    html = str(sanitise_html(text))
    assert problems(html) == []
    for tag in re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", html):
        assert tag.lower() in ALLOWED_TAGS


def _hostile_snapshots():
    k9 = snapshot(FormKind.K9, version="9", **{key: CORPUS for key in K9_TEXT_FIELDS})
    hostile_eula = {"label": CORPUS, "content": CORPUS, "acceptButtonLabel": CORPUS, "declineButtonLabel": CORPUS}
    eula = snapshot(FormKind.EULA, **hostile_eula)
    return k9, eula


def _store_hostile_user_details_and_web_form():
    from compliance.services import form_snapshot_store

    raw = {**K9_SAMPLE, "webForm": "javascript:alert(25)", "userDetails": {"userId": CORPUS, "fullname": CORPUS}}
    raw["k9Content"] = {key: CORPUS for key in K9_TEXT_FIELDS}
    return form_snapshot_store(
        kind=FormKind.K9, raw=raw, sub_app_version=CORPUS, web_form=raw["webForm"], user_details=raw["userDetails"]
    )


def _hostile_job(user):
    from downloads.models import DownloadJob

    text = CORPUS.replace("\x00", "")  # how the downloads app stores NUL is its own affair (PostgreSQL refuses it)
    return DownloadJob.objects.create(
        pid=text[:100],
        image_name="hostile-k9.bin",
        state="awaiting_compliance",
        waiting_for="k9_eula",
        upstream_code="K9_EULA_FORM_AR",
        upstream_message=text,
        requested_by=user,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer", "engineer"])
def test_every_compliance_page_renders_hostile_content_inert(client, request, who):
    user = request.getfixturevalue(who)
    _hostile_snapshots()
    k9 = _store_hostile_user_details_and_web_form()
    _hostile_job(user)
    officer = request.getfixturevalue("officer") if who != "officer" else user
    record(officer, k9, comments=CORPUS, file_names="a.bin", upstream_status_message=CORPUS)
    client.force_login(user)
    pages = ["/compliance/", "/compliance/forms/", "/compliance/forms/k9/", "/compliance/forms/eula/",
             f"/compliance/snapshots/{k9.pk}/"]  # fmt: skip
    if who == "officer":
        pages += ["/compliance/audit/", "/compliance/audit/1/", "/compliance/audit/?verify=1"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert problems(html) == [], path
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    # Labels are text: the hostile markup is shown escaped, not run and not silently dropped.
    form_page = client.get("/compliance/forms/k9/").content.decode()
    assert "&lt;script&gt;alert(&quot;s1&quot;)&lt;/script&gt;" in form_page


@pytest.mark.django_db
def test_kept_links_open_in_a_new_tab_without_a_handle_on_depot(client, officer):
    snapshot(FormKind.EULA)
    client.force_login(officer)
    html = client.get("/compliance/forms/eula/").content.decode()
    eula_links = [a for a in links(html) if "cisco.com/c/en/us/about/legal" in a.get("href", "")]
    assert len(eula_links) == 2
    for attrs in eula_links:
        assert attrs["rel"] == "noopener noreferrer" and attrs["target"] == "_blank"
    assert problems(html) == []


@pytest.mark.django_db
def test_the_simulators_own_forms_render_as_cisco_wrote_them(client, officer, upstream):
    k9 = form_snapshot_fetch(kind=FormKind.K9)
    eula = form_snapshot_fetch(kind=FormKind.EULA)
    client.force_login(officer)
    k9_page = client.get("/compliance/forms/k9/").content.decode()
    content = k9.raw["k9Content"]
    labels = ("businessDivisionLabel", "commercialCivilianLabel", "confirmantionLabel", "acceptLabel", "declineLabel")
    for key in labels:
        assert content[key].replace("'", "&#x27;") in k9_page, key
    assert 'value="COMM_OR_CIVIL"' in k9_page and 'value="GOV_OR_MIL_COUNTRIES_YES"' in k9_page
    assert "Encryption Software Registration" in k9_page  # the k9Form's heading, kept as text
    assert "<H3>" not in k9_page and "<h3>Encryption" not in k9_page  # ...but not as markup outside the allow-list
    assert k9.user_details["userId"] in k9_page  # the Cisco user the acceptance is recorded for
    assert problems(k9_page) == []
    eula_page = client.get("/compliance/forms/eula/").content.decode()
    assert eula.raw["eulaContent"]["label"] in eula_page
    assert eula.raw["eulaContent"]["acceptButtonLabel"] in eula_page
    safe = [a for a in links(eula_page) if "cisco.com" in a.get("href", "") and a.get("rel") == "noopener noreferrer"]
    assert len(safe) >= 2
    assert problems(eula_page) == []
    assert k9.fetched_at <= timezone.now()
