"""Create the role groups and give them their permissions, idempotently."""
from django.contrib.auth.models import Group, Permission

from gis_service.accounts.roles import role_permissions


def sync_role_groups(**kwargs) -> None:
    """Make each role's group hold exactly its permissions (runs after every migrate)."""
    for role, codenames in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role.value)
        permissions = Permission.objects.filter(content_type__app_label="programmes", codename__in=codenames)
        group.permissions.set(permissions)
