"""State changes for accounts: API tokens and demo users."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.db import transaction
from rest_framework.authtoken.models import Token

from portal.accounts.roles import ADMINISTRATORS, ENGINEERS, OFFICERS


@transaction.atomic
def api_token_create(*, user: User) -> str:
    """Create a new API token for the user, replacing any earlier one; returns the key (shown once)."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key


def api_token_revoke(*, user: User) -> bool:
    """Revoke the user's API token; False when there was none."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted > 0


def api_token_hint(*, user: User) -> str | None:
    """The first characters of the user's token, enough to recognise it, never the whole key."""
    key = Token.objects.filter(user=user).values_list("key", flat=True).first()
    return f"{key[:6]}…" if key else None


DEMO_USERS = [
    ("admin", ADMINISTRATORS, True),
    ("engineer", ENGINEERS, False),
    ("officer", OFFICERS, False),
]


@transaction.atomic
def demo_users_ensure(*, password_for: dict[str, str]) -> list[tuple[str, str, str]]:
    """Create (or reset the password of) one demo user per role; returns (username, role, password) rows."""
    user_model = get_user_model()
    rows = []
    for username, role, is_admin in DEMO_USERS:
        user, _ = user_model.objects.get_or_create(username=username, defaults={"email": f"{username}@depot.local"})
        user.is_staff = is_admin
        user.is_superuser = is_admin
        user.set_password(password_for[username])
        user.save()
        user.groups.add(Group.objects.get(name=role))
        rows.append((username, role, password_for[username]))
    return rows
