"""The roles of the service, as Django groups, and what each may do."""
from enum import StrEnum

from gis_service.programmes.registry import PROGRAMMES, dependent_models


class Role(StrEnum):
    """A user's role; the public is every anonymous visitor and needs no group."""

    FIELD_OFFICER = "field_officer"
    REVIEWER = "reviewer"
    PLANNER = "planner"
    ADMINISTRATOR = "administrator"


# Model actions per role; object-level scope (own LAOs, own province) is applied on top by
# gis_service.accounts.permissions.
ROLE_ACTIONS: dict[Role, tuple[str, ...]] = {
    Role.FIELD_OFFICER: ("view", "add", "change"),
    Role.REVIEWER: ("view", "change"),
    Role.PLANNER: ("view",),
    Role.ADMINISTRATOR: ("view", "add", "change", "delete"),
}


def programme_model_names() -> list[str]:
    """Model names the roles act on: every programme's sites and the records hanging off them."""
    names = []
    for programme in PROGRAMMES:
        for model in [programme.model, *dependent_models(programme)]:
            names.append(model._meta.model_name)
    return names


def role_permissions() -> dict[Role, list[str]]:
    """Permission codenames per role, derived from the programme registry."""
    models = programme_model_names()
    return {
        role: [f"{action}_{model}" for model in models for action in actions] for role, actions in ROLE_ACTIONS.items()
    }
