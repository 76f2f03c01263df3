"""The access policy file: role -> the departments, case types and datasets it may see."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from procmine.errors import ConfigError

ANY = "*"


class Grant(BaseModel):
    """What one role may see: departments (required, "*" for all), case types and datasets."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    departments: tuple[str, ...] | Literal["*"]
    case_types: tuple[str, ...] | Literal["*"] = ANY
    datasets: tuple[str, ...] | Literal["*"] = ANY

    @field_validator("departments", "case_types", "datasets", mode="before")
    @classmethod
    def _list_or_any(cls, value):
        if isinstance(value, str) and value != ANY:
            return (value,)
        return value

    def allows_dataset(self, name: str) -> bool:
        return self.datasets == ANY or name in self.datasets


class AccessPolicy(BaseModel):
    """Roles (the token's app-role claim values) and what each may see; unknown roles see nothing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    department_attribute: str = "department"
    case_type_attribute: str = "case_type"
    roles: dict[str, Grant]

    def grants_for(self, roles: list[str] | tuple[str, ...]) -> tuple[Grant, ...]:
        """The grants of the user's roles that the policy knows (in the policy's order)."""
        return tuple(grant for name, grant in self.roles.items() if name in roles)

    def filter_for(self, roles: list[str] | tuple[str, ...]):
        """The AccessFilter of a user with `roles`; it keeps no case when no role is known."""
        from procmine.access.rule import AccessFilter
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
    try:
        return AccessPolicy.model_validate(data if data is not None else {})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: "
                             f"{str(e['msg']).removeprefix('Value error, ')}" for e in exc.errors())
        raise ConfigError(f"The access policy {path} is wrong: {problems}. Each role needs "
                          "`departments:` (a list, or \"*\" for all); `case_types:` and `datasets:` "
                          "are optional.") from None
