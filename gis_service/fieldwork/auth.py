"""Who is sending: the token, its user and the user's roles, read in one query."""
from functools import cache

from django.contrib.auth.models import AnonymousUser, Group, User
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from gis_service.accounts.permissions import has_role
from gis_service.accounts.roles import Role
from gis_service.prepared import run_prepared


@cache
def token_sql() -> tuple[str, list[str]]:
    """The statement (for PREPARE) reading a token's user (all concrete fields) and groups, and the field names."""
    user_fields = User._meta.concrete_fields
    columns = ", ".join(f'u."{field.column}"' for field in user_fields)
    membership = User.groups.through._meta.db_table
    sql = (
        f"SELECT t.created, {columns}, ARRAY(SELECT g.name FROM {Group._meta.db_table} g "
        f"JOIN {membership} ug ON ug.group_id = g.id WHERE ug.user_id = u.id) "
        f"FROM {Token._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id WHERE t.key = $1"
    )
    return sql, [field.attname for field in user_fields]


class TokenWithRolesAuthentication(TokenAuthentication):
    """DRF's token authentication, with the user's group names read in the same query (phones send every request)."""

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        # Plain SQL: compiling the equivalent queryset (select_related plus an array subquery) cost about
        # 1 ms of Python per request, more than the query itself. Prepared once per database session, it is
        # also the request's first query, which finds (and replaces) a connection broken by a database
        # restart, so Django's `SELECT 1` health check is not sent before it (see run_prepared).
        sql, user_attnames = token_sql()
        rows = run_prepared("field_token_user_roles", sql, [key])
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        row = rows[0]
        user = User.from_db(connection.alias, user_attnames, row[1:-1])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        user.role_names = frozenset(row[-1])
        token = Token.from_db(connection.alias, ["key", "user_id", "created"], [key, user.id, row[0]])
        token.user = user
        return user, token


def holds_role(user: User | AnonymousUser, role: Role) -> bool:
    """`accounts.permissions.has_role`, answered from the roles read with the token when there are any."""
    role_names = getattr(user, "role_names", None)
    if role_names is None:
        return has_role(user, role)
    return user.is_authenticated and user.is_active and (user.is_superuser or role.value in role_names)


def may_submit(user: User | AnonymousUser) -> bool:
    """Field officers send submissions; administrators may too."""
    return holds_role(user, Role.FIELD_OFFICER) or holds_role(user, Role.ADMINISTRATOR)
