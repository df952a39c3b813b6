from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.accounts.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Create (or replace) a user's REST API token and print it, or revoke it with --revoke."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help="revoke the user's token instead")

    def handle(self, *args, username: str, revoke: bool, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}; list users in /admin/ or create one with createsuperuser")
        if revoke:
            done = api_token_revoke(user=user)
            self.stdout.write(f"token of {username} revoked" if done else f"{username} had no token")
            return
        self.stdout.write(api_token_create(user=user))
