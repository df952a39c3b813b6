"""The pages every user meets: the home page (the dashboard), the menu, changing one's password, and the error pages."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from portal.core.views import server_error
from tests.factories_downloads import DownloadJobFactory, stored_image_with_file
from tests.factories_inventory import DeviceFactory, catalog_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["engineer", "officer", "administrator"])
def test_the_home_page_is_the_fleet_dashboard(client, request, who):
    DeviceFactory.create_batch(2)
    client.force_login(request.getfixturevalue(who))
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<canvas id="fleet-chart"' in page and 'id="fleet-total">2 devices<' in page


def test_a_user_without_a_role_is_told_what_to_ask_for(client, nobody):
    client.force_login(nobody)
    page = client.get("/").content.decode()
    assert "You have no role yet" in page and "fleet-chart" not in page


def test_the_dashboard_counts_one_device_in_the_singular(client, engineer):
    DeviceFactory()
    client.force_login(engineer)
    assert 'id="fleet-total">1 device<' in client.get("/").content.decode()


def test_the_menu_holds_profile_and_log_out_and_shows_what_waits(client, officer):
    DownloadJobFactory(state="awaiting_compliance", waiting_for="k9")
    client.force_login(officer)
    page = client.get("/compliance/").content.decode()
    assert '<details class="menu" id="menu">' in page
    assert 'id="menu-badge">1<' in page  # on the folded menu's button, not only inside it
    assert 'id="logout">Log out</button>' in page and 'id="profile-link"' in page


def test_the_menu_has_no_badge_when_nothing_waits(client, officer):
    client.force_login(officer)
    assert 'id="menu-badge"' not in client.get("/compliance/").content.decode()


def test_the_profile_links_the_password_change(client, engineer):
    client.force_login(engineer)
    page = client.get("/profile/").content.decode()
    assert 'href="/profile/password/"' in page


def test_a_password_change_keeps_the_session_and_the_new_password_logs_in(client, engineer):
    client.force_login(engineer)
    form = client.get("/profile/password/")
    assert form.status_code == 200 and 'name="old_password"' in form.content.decode()
    response = client.post(
        "/profile/password/",
        {"old_password": "pw-eng", "new_password1": "granite-Otter-58", "new_password2": "granite-Otter-58"},
        follow=True,
    )
    assert response.redirect_chain == [("/profile/", 302)]
    assert "Your password was changed." in response.content.decode()
    assert client.get("/profile/").status_code == 200  # still logged in
    client.logout()
    assert client.post("/login/", {"username": "eng", "password": "pw-eng"}).status_code == 200  # refused
    assert client.post("/login/", {"username": "eng", "password": "granite-Otter-58"}).status_code == 302


@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        ({"old_password": "wrong", "new_password1": "granite-Otter-58"}, "old_password", "incorrectly"),
        ({"old_password": "pw-eng", "new_password1": "granite-Otter-58", "new_password2": "other"}, "new_password2",
         "didn’t match"),
        ({"old_password": "pw-eng", "new_password1": "password", "new_password2": "password"}, "new_password2",
         "too common"),
    ],
)  # fmt: skip
def test_a_refused_password_change_says_why_and_changes_nothing(client, engineer, fields, field, error):
    fields.setdefault("new_password2", fields["new_password1"])
    client.force_login(engineer)
    response = client.post("/profile/password/", fields)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="{field}-errors"' in page and error in page
    assert get_user_model().objects.get(username="eng").check_password("pw-eng")


def test_a_forbidden_page_is_styled_and_names_the_users_roles(client, officer):
    client.force_login(officer)
    response = client.get("/devices/new/")  # engineers only
    assert response.status_code == 403
    page = response.content.decode()
    assert 'id="error-403"' in page and "Compliance officers" in page and "<code>/devices/new/</code>" in page
    assert 'id="menu"' in page  # the whole page chrome: the user can go on from here


def test_an_unknown_page_is_styled(client, engineer):
    client.force_login(engineer)
    response = client.get("/no/such/<page>/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'id="error-404"' in page and "&lt;page&gt;" in page and "<page>" not in page


def test_an_unknown_api_path_answers_json_like_every_api_error(client, engineer):
    client.force_login(engineer)
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "No such API path."}


def test_the_server_error_page_needs_no_database_or_context():
    response = server_error(RequestFactory().get("/devices/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert 'id="error-500"' in page and "/static/css/depot.css" in page


def test_an_api_server_error_is_json():
    response = server_error(RequestFactory().get("/api/v1/devices/"))
    assert response.status_code == 500 and json.loads(response.content)["code"] == "server_error"


def test_sizes_read_with_units_on_the_device_page(client, engineer):
    releases = catalog_of("C9300-24P", [("17.6.7",), ("17.9.4a", "suggested")])
    releases["17.9.4a"].images.update(min_dram="8192", min_flash="16384 MB", size=1_203_523_426)
    device = DeviceFactory(current_release="17.6.7", memory_mb=8192, flash_mb=11264)
    client.force_login(engineer)
    page = client.get(f"/devices/{device.pk}/").content.decode()
    assert 'id="memory">8 GB<' in page and 'id="flash">11 GB<' in page
    assert "1.1 GB · CAT9K UNIVERSAL" in page and "DRAM ≥ 8 GB" in page and "flash ≥ 16 GB" in page


def test_a_stored_jobs_device_link_is_valid_for_a_time_in_words(client, engineer, settings):
    settings.PORTAL_DEVICE_LINK_MAX_AGE = 86400
    image = stored_image_with_file(name="cat9k_iosxe.17.09.04a.SPA.bin", content=b"x" * 3 * 1024 * 1024)
    job = DownloadJobFactory(state="stored", stored_image=image, expected_size=image.size, bytes_done=image.size,
                             bytes_total=image.size)  # fmt: skip
    client.force_login(engineer)
    page = client.get(f"/downloads/jobs/{job.pk}/").content.decode()
    assert "valid for 24 hours" in page and "3 MB of 3 MB (100%)" in page
    assert f"{image.size} bytes (3 MB)" in page
