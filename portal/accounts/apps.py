from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    """Users, roles (groups with permissions) and API tokens."""

    name = "portal.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from portal.accounts.roles import sync_role_permissions

        # Apps add models (and so permissions) in later migrations; keep every role's permissions complete.
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts-sync-role-permissions")
