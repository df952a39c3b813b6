"""Access: login throttling (django-axes) on both login pages, admins unlocking, tokens that cannot renew
themselves, and the API answering JSON only outside debug mode."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _fail(client, path: str, username: str, times: int, **extra):
    return [client.post(path, {"username": username, "password": "wrong"}, **extra) for _ in range(times)]


def test_repeated_failures_for_one_user_lock_the_login_with_a_clear_message(client, engineer, settings):
    responses = _fail(client, "/login/", "eng", settings.AXES_FAILURE_LIMIT - 1)
    assert all(r.status_code == 200 and "didn't match" in r.content.decode() for r in responses)
    locked = _fail(client, "/login/", "eng", 1)[0]
    assert locked.status_code == 429
    page = locked.content.decode()
    assert 'id="locked-out"' in page and f"{settings.AXES_FAILURE_LIMIT} failed logins" in page
    assert "15 minutes" in page and "administrator" in page
    # The right password does not get in while locked.
    again = client.post("/login/", {"username": "eng", "password": "pw-eng"})
    assert again.status_code == 429
    assert client.get("/").status_code == 302


def test_failures_from_one_address_lock_it_for_every_user_name(client, engineer, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": f"guess{number}", "password": "x"}, REMOTE_ADDR="203.0.113.7")
    blocked = client.post("/login/", {"username": "eng", "password": "pw-eng"}, REMOTE_ADDR="203.0.113.7")
    assert blocked.status_code == 429
    elsewhere = client.post("/login/", {"username": "eng", "password": "pw-eng"}, REMOTE_ADDR="198.51.100.9")
    assert elsewhere.status_code == 302


def test_the_admin_login_is_throttled_too(client, administrator, settings):
    _fail(client, "/admin/login/", "adm", settings.AXES_FAILURE_LIMIT)
    response = client.post("/admin/login/", {"username": "adm", "password": "pw-adm"})
    assert response.status_code == 429 and 'id="locked-out"' in response.content.decode()


def test_an_administrator_unlocks_a_user_in_the_admin(client, engineer, administrator, settings):
    _fail(client, "/login/", "eng", settings.AXES_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get(username="eng")
    admin = type(client)()
    admin.force_login(administrator)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "eng" in listing.content.decode()
    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert client.post("/login/", {"username": "eng", "password": "pw-eng"}).status_code == 302


def test_the_unlock_command_resets_one_user(client, engineer, settings):
    _fail(client, "/login/", "eng", settings.AXES_FAILURE_LIMIT)
    call_command("axes_reset_username", "eng")
    assert client.post("/login/", {"username": "eng", "password": "pw-eng"}).status_code == 302


def test_a_success_resets_the_count(client, engineer, settings):
    _fail(client, "/login/", "eng", settings.AXES_FAILURE_LIMIT - 1)
    assert client.post("/login/", {"username": "eng", "password": "pw-eng"}).status_code == 302
    client.post("/logout/")
    _fail(client, "/login/", "eng", settings.AXES_FAILURE_LIMIT - 1)
    assert client.post("/login/", {"username": "eng", "password": "pw-eng"}).status_code == 302


def test_behind_a_proxy_the_forwarded_address_is_counted(client, engineer, settings):
    settings.PORTAL_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": f"x{number}", "password": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    other = client.post(
        "/login/", {"username": "eng", "password": "pw-eng"}, HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy
    )
    assert other.status_code == 302  # another client behind the same proxy is not locked out
    forged = client.post(
        "/login/", {"username": "eng", "password": "pw-eng"}, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", **proxy
    )
    assert forged.status_code == 429  # a forged entry further left does not escape the count


def test_a_token_cannot_mint_its_successor(api_as, engineer):
    api = api_as(engineer)
    response = api.post("/api/v1/me/token/")
    assert response.status_code == 403
    assert response.json()["code"] == "session_required"
    assert api.get("/api/v1/me/").status_code == 200  # the token still works, unchanged
    assert api.delete("/api/v1/me/token/").status_code == 204  # revoking itself is fine


def test_a_session_mints_a_token(client, engineer):
    client.force_login(engineer)
    response = client.post("/api/v1/me/token/")
    assert response.status_code == 201 and len(response.json()["key"]) == 40


def test_the_api_answers_json_even_to_a_browser_outside_debug(client, engineer):
    client.force_login(engineer)
    response = client.get("/api/v1/me/", HTTP_ACCEPT="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
