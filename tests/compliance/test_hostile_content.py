"""Hostile upstream content renders inert on every page that shows it (asserted on the page HTML), and the
simulator's own forms render as Cisco's text with safe links."""

from __future__ import annotations

import pytest
from django.utils import timezone

from compliance.choices import FormKind
from compliance.services import form_snapshot_fetch
from tests.core.htmlcheck import CORPUS, links, problems
from tests.factories_compliance import K9_SAMPLE, record, snapshot

K9_TEXT_FIELDS = [key for key in K9_SAMPLE["k9Content"]]


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
