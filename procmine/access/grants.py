"""A grant: what one role may see (departments, case types, datasets); "*" is every one."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

ANY: Literal["*"] = "*"


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
