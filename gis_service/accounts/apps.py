from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "gis_service.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from gis_service.accounts.setup import sync_role_groups

        # The programmes' permissions exist only once migrate has created them for that app,
        # so the groups are synced after the programmes app's post_migrate, not this one's.
        post_migrate.connect(sync_role_groups, sender=self.apps.get_app_config("programmes"))
