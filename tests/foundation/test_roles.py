"""Each role sees and may do what it should, on pages and in the API; anonymous users see only the login page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import set_script_prefix

from portal.accounts.roles import ADMINISTRATORS, ENGINEERS, OFFICERS

pytestmark = pytest.mark.django_db


def test_roles_exist_with_permissions_after_migrate():
    names = set(Group.objects.values_list("name", flat=True))
    assert {ENGINEERS, OFFICERS, ADMINISTRATORS} <= names
    admins = Group.objects.get(name=ADMINISTRATORS)
    assert admins.permissions.filter(codename="add_user").exists()


@pytest.mark.parametrize("path", ["/", "/profile/", "/devices/", "/compliance/", "/api/docs/"])
def test_anonymous_pages_redirect_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_anonymous_unknown_path_is_a_plain_404(client):
    """Django's LoginRequiredMiddleware checks views; a path with no view is simply not found (nothing shown)."""
    response = client.get("/some/page/")
    assert response.status_code == 404
    assert b"login" not in response.content.lower()


def test_public_views_need_no_login(client):
    assert client.get("/login/").status_code == 200
    assert client.get("/healthz").status_code in (200, 503)  # JSON either way, never a redirect
    assert client.get("/healthz")["Content-Type"] == "application/json"
    # A device link with a bad signature is refused by the link's own check, not sent to the login page.
    assert client.get("/d/not-a-signature/image.bin").status_code in (403, 404)


def test_api_schema_needs_a_token_or_a_session(api_client, client, engineer, api_as):
    anonymous = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    assert api_as(engineer).get("/api/schema/").status_code == 200
    client.force_login(engineer)
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_login_page_is_public_and_logs_in(client, engineer):
    assert client.get("/login/").status_code == 200
    response = client.post("/login/", {"username": "eng", "password": "pw-eng"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_logout_needs_post_and_ends_the_session(client, engineer):
    client.force_login(engineer)
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_anonymous_api_gets_401_json_with_code(api_client):
    response = api_client.get("/api/v1/me")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert "credentials" in body["message"].lower()


def test_me_returns_user_and_roles_for_token(api_as, officer):
    response = api_as(officer).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "off"
    assert response.json()["roles"] == [OFFICERS]


def test_bad_token_is_refused(api_client, engineer):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_user_creates_and_revokes_own_token_through_api(client, engineer, api_client):
    client.force_login(engineer)
    key = client.post("/api/v1/me/token").json()["key"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/me").status_code == 200
    assert api_client.delete("/api/v1/me/token").status_code == 204
    assert api_client.get("/api/v1/me").status_code == 401


def test_profile_page_creates_token_shown_once_then_hint(client, engineer):
    client.force_login(engineer)
    page = client.post("/profile/", {"action": "create"})
    key = page.context["new_key"]
    assert key and key in page.content.decode()
    again = client.get("/profile/").content.decode()
    assert key not in again and key[:6] in again
    client.post("/profile/", {"action": "revoke"})
    assert "You have no API token" in client.get("/profile/").content.decode()


def test_api_token_command_prints_and_revokes(engineer, capsys):
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    call_command("api_token", "eng")
    key = capsys.readouterr().out.strip()
    assert Token.objects.get(user=engineer).key == key
    call_command("api_token", "eng", "--revoke")
    assert not Token.objects.filter(user=engineer).exists()


def test_api_token_command_unknown_user_is_one_line_error():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="no user named 'ghost'"):
        call_command("api_token", "ghost")


def test_admin_only_for_administrators(client, engineer, administrator):
    client.force_login(engineer)
    assert client.get("/admin/").status_code == 302  # to the admin login: not staff
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200


def test_navigation_shows_admin_link_only_to_administrators(client, engineer, administrator):
    client.force_login(engineer)
    assert 'href="/admin/"' not in client.get("/").content.decode()
    client.force_login(administrator)
    assert 'href="/admin/"' in client.get("/").content.decode()


def test_pages_carry_a_csp_without_inline_script(client, engineer):
    client.force_login(engineer)
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_api_paths_answer_without_their_trailing_slash(api_as, engineer):
    """Tools POST to /api/v1/x or /api/v1/x/ alike; no redirect that would drop the body."""
    client = api_as(engineer)
    assert client.get("/api/v1/me").json()["username"] == "eng"
    assert client.get("/api/v1/me/").json()["username"] == "eng"
    assert client.get("/api/v1/nothing-here").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/devices", "/api/v1/devices/"])
def test_api_post_with_a_body_works_with_or_without_the_slash(api_as, engineer, path):
    """A router's endpoint takes the body whichever spelling the tool used: no redirect, nothing dropped."""
    response = api_as(engineer).post(path, {"hostname": "slash-test-1", "pid": "C9300-48P"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["hostname"] == "slash-test-1"


def test_canonical_api_urls_keep_the_trailing_slash():
    from django.urls import reverse

    assert reverse("api-me") == "/api/v1/me/"
    assert reverse("api-device-list") == "/api/v1/devices/"
    assert reverse("api-device-detail", args=[7]) == "/api/v1/devices/7/"
    assert reverse("api-schema") == "/api/schema/"


def test_session_post_to_the_api_without_the_slash_is_not_redirected(client, engineer):
    client.force_login(engineer)
    created = client.post("/api/v1/me/token")
    assert created.status_code == 201 and created.json()["key"]


def test_permission_changes_apply_at_the_next_request_though_permissions_are_cached(client, api_as, engineer):
    """Permissions and roles are kept in the shared cache (portal/accounts/access.py); every change of users,
    groups or permissions through the ORM makes the next request read them again."""
    from django.contrib.auth.models import Permission

    client.force_login(engineer)
    api = api_as(engineer)
    assert client.get("/devices/").status_code == 200
    assert api.get("/api/v1/devices/").status_code == 200
    engineers = Group.objects.get(name=ENGINEERS)
    view_device = Permission.objects.get(codename="view_device", content_type__app_label="inventory")
    engineers.permissions.remove(view_device)  # a role loses a permission
    assert client.get("/devices/").status_code == 403
    assert api.get("/api/v1/devices/").status_code == 403
    engineers.permissions.add(view_device)
    assert client.get("/devices/").status_code == 200
    engineer.groups.clear()  # a user loses the role
    assert api.get("/api/v1/devices/").status_code == 403
    assert b"Network engineers" not in client.get("/profile/").content
    engineer.groups.add(Group.objects.get(name=OFFICERS))  # and gets another
    assert api.get("/api/v1/devices/").status_code == 200  # officers read devices too
    assert api.post("/api/v1/devices/", {"hostname": "x", "pid": "C9300-24P"}).status_code == 403
    assert b"Compliance officers" in client.get("/profile/").content
    engineer.is_superuser = True  # an administrator makes the user a superuser
    engineer.save()
    assert api.delete("/api/v1/devices/999999/").status_code == 404  # allowed now: only the device is missing


def test_navigation_links_follow_the_script_prefix_depot_is_served_under(client, engineer):
    """The links' URLs are kept once reversed, per prefix: Depot behind /depot/ links under /depot/."""
    client.force_login(engineer)
    assert 'href="/devices/"' in client.get("/devices/").content.decode()
    set_script_prefix("/depot/")  # what the WSGI handler does for SCRIPT_NAME=/depot (the test client does not)
    try:
        under = client.get("/devices/").content.decode()
    finally:
        set_script_prefix("/")
    assert 'href="/depot/devices/"' in under and 'href="/devices/"' not in under
    assert 'href="/devices/"' in client.get("/devices/").content.decode()
