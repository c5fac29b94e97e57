"""OpenAPI description of the field API's token sign-in (drf-spectacular extension)."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenWithRolesScheme(OpenApiAuthenticationExtension):
    """The field API's token authentication: the same `Authorization: Token <key>` header as DRF's.

    It gets a name of its own because drf-spectacular refuses two classes under one component name.
    """

    target_class = "gis_service.fieldwork.auth.TokenWithRolesAuthentication"
    name = "fieldTokenAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token-based sign-in for field officers: `Token <key>` from POST /api/field/token",
        }
