"""Who is sending: the token, its user and the user's roles, read in one query."""
from django.contrib.auth.models import AnonymousUser, Group, User
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from gis_service.accounts.permissions import has_role
from gis_service.accounts.roles import Role


class TokenWithRolesAuthentication(TokenAuthentication):
    """DRF's token authentication, with the user's group names read in the same query (phones send every request)."""

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        role_names = ArraySubquery(Group.objects.filter(user=OuterRef("user_id")).values("name"))
        token = Token.objects.select_related("user").annotate(role_names=role_names).filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token.user.role_names = frozenset(token.role_names)
        return token.user, token


def holds_role(user: User | AnonymousUser, role: Role) -> bool:
    """`accounts.permissions.has_role`, answered from the roles read with the token when there are any."""
    role_names = getattr(user, "role_names", None)
    if role_names is None:
        return has_role(user, role)
    return user.is_authenticated and user.is_active and (user.is_superuser or role.value in role_names)


def may_submit(user: User | AnonymousUser) -> bool:
    """Field officers send submissions; administrators may too."""
    return holds_role(user, Role.FIELD_OFFICER) or holds_role(user, Role.ADMINISTRATOR)
