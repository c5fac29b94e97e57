"""The roles of the service, as Django groups, and what each may do."""
from enum import StrEnum


class Role(StrEnum):
    """A user's role; the public is every anonymous visitor and needs no group."""

    FIELD_OFFICER = "field_officer"
    REVIEWER = "reviewer"
    PLANNER = "planner"
    ADMINISTRATOR = "administrator"


PROGRAMME_MODELS = ["groundwaterbank", "localroad", "playground", "ewastepoint", "ewastecollection"]

# Model permissions per role; object-level scope (own LAOs, own province) is applied on top
# by gis_service.accounts.permissions.
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.FIELD_OFFICER: [f"{action}_{model}" for model in PROGRAMME_MODELS for action in ("view", "add", "change")],
    Role.REVIEWER: [f"{action}_{model}" for model in PROGRAMME_MODELS for action in ("view", "change")],
    Role.PLANNER: [f"view_{model}" for model in PROGRAMME_MODELS],
    Role.ADMINISTRATOR: [
        f"{action}_{model}" for model in PROGRAMME_MODELS for action in ("view", "add", "change", "delete")
    ],
}
