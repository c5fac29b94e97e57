"""Object-level scope of the roles: which LAOs and provinces a user may act in."""
from django.contrib.auth.models import AnonymousUser, User

from gis_service.accounts.roles import Role


def has_role(user: User | AnonymousUser, role: Role) -> bool:
    """True when the user is active and in the role's group (superusers hold every role)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=role.value).exists()


def is_administrator(user: User | AnonymousUser) -> bool:
    """Administrators may do everything everywhere."""
    return has_role(user, Role.ADMINISTRATOR)


def can_see_unpublished(user: User | AnonymousUser) -> bool:
    """Only signed-in staff roles ever see unpublished sites; the public never does."""
    return user.is_authenticated and user.is_active and (
        user.is_superuser or user.groups.filter(name__in=[r.value for r in Role]).exists()
    )


def lao_ids_for(user: User | AnonymousUser) -> set[int]:
    """The LAOs a field officer belongs to."""
    if not user.is_authenticated:
        return set()
    return set(user.lao_memberships.values_list("lao_id", flat=True))


def province_ids_for_reviewer(user: User | AnonymousUser) -> set[int]:
    """The provinces a reviewer reviews."""
    if not user.is_authenticated:
        return set()
    return set(user.reviewer_provinces.values_list("province_id", flat=True))


def can_edit_site_of_lao(user: User | AnonymousUser, lao_id: int | None) -> bool:
    """Administrators edit any site; field officers only sites of their own LAOs."""
    if is_administrator(user):
        return True
    return has_role(user, Role.FIELD_OFFICER) and lao_id is not None and lao_id in lao_ids_for(user)
