from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "gis_service.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from gis_service.accounts.setup import sync_role_groups

        # Permissions only exist after migrate has created them, so the groups are synced then.
        post_migrate.connect(sync_role_groups, sender=self)
