from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class AccountsConfig(AppConfig):
    """Users, roles (groups with permissions) and API tokens."""

    name = "portal.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from django.contrib.auth.models import Group, Permission, User

        from portal.accounts.access import access_changed
        from portal.accounts.roles import sync_role_permissions

        # Apps add models (and so permissions) in later migrations; keep every role's permissions complete.
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts-sync-role-permissions")
        # Cached permissions and roles (portal.accounts.access) start a new generation at any change of them.
        for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
            m2m_changed.connect(access_changed, sender=through, dispatch_uid=f"accounts-access-{through.__name__}")
        for model in (User, Group, Permission):
            for signal in (post_save, post_delete):
                signal.connect(access_changed, sender=model, dispatch_uid=f"accounts-access-{model.__name__}")
