"""The access policy file: role -> the departments, case types and datasets it may see."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from procmine.access.grants import Grant
from procmine.access.rule import AccessFilter
from procmine.errors import ConfigError
from procmine.validation import validated


class AccessPolicy(BaseModel):
    """Roles (the token's app-role claim values) and what each may see; unknown roles see nothing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    department_attribute: str = "department"
    case_type_attribute: str = "case_type"
    roles: dict[str, Grant]

    def grants_for(self, roles: list[str] | tuple[str, ...]) -> tuple[Grant, ...]:
        """The grants of the user's roles that the policy knows (in the policy's order)."""
        return tuple(grant for name, grant in self.roles.items() if name in roles)

    def filter_for(self, roles: list[str] | tuple[str, ...]) -> AccessFilter:
        """The AccessFilter of a user with `roles`; it keeps no case when no role is known."""
        known = tuple(name for name in self.roles if name in roles)
        return AccessFilter(roles=known, grants=self.grants_for(roles),
                            department_attribute=self.department_attribute,
                            case_type_attribute=self.case_type_attribute)


POLICY_ENV = "PROCMINE_ACCESS_POLICY"


def load_policy(path: str | os.PathLike) -> AccessPolicy:
    """Read and check an access policy YAML file; ConfigError naming the key when it is wrong."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"The access policy {path} cannot be read: {exc}. "
                          "Give a YAML file with a `roles:` mapping (see README, Serving).") from None
    return validated(AccessPolicy, data if data is not None else {}, ConfigError,
                     f"The access policy {path} is wrong", "Each role needs `departments:` (a list, or "
                     "\"*\" for all); `case_types:` and `datasets:` are optional")
