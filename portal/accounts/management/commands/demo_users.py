import secrets

from django.core.management.base import BaseCommand

from portal.accounts.services import DEMO_USERS, demo_users_ensure
from portal.core.links import portal_url


class Command(BaseCommand):
    help = "Create one demo user per role (admin, engineer, officer) and print their passwords."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--password", help="use this password for all three instead of random ones")

    def handle(self, *args, password: str | None, **options) -> None:
        passwords = {name: password or secrets.token_urlsafe(9) for name, _, _ in DEMO_USERS}
        rows = demo_users_ensure(password_for=passwords)
        where = portal_url("/")
        self.stdout.write(f"Demo users (log in at {where}):" if where != "/" else "Demo users:")
        for username, role, pw in rows:
            self.stdout.write(f"  {username:<9} {pw:<14} {role}")
