"""What a simulated workflow is made of: its activities, case-id prefix and staff roster."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa


@dataclass(frozen=True)
class Team:
    """Caseworkers who share a role in one org unit; `key` names the team inside its workflow."""

    key: str
    role: str
    org_unit: str
    size: int


@dataclass(frozen=True)
class WorkflowSpec:
    """A municipal workflow: Danish activity names in process order, teams, and its simulation steps."""

    name: str
    number: int
    prefix: str
    activities: tuple[str, ...]
    teams: tuple[Team, ...]
    simulate: Callable  # (CaseBatch) -> None: emits the steps of every case in the batch

    def activity_code(self, activity: str) -> int:
        """Position of `activity` in the workflow's list (it must be one of them)."""
        return self.activities.index(activity)

    def team_rows(self, key: str) -> tuple[int, int]:
        """(first roster row, size) of the team named `key`."""
        first = 0
        for team in self.teams:
            if team.key == key:
                return first, team.size
            first += team.size
        raise KeyError(f"{self.name} has no team {key!r}")

    def team_of_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Per roster row, the first row and the size of its team."""
        first = np.repeat(np.cumsum([0] + [t.size for t in self.teams])[:-1], [t.size for t in self.teams])
        size = np.repeat([t.size for t in self.teams], [t.size for t in self.teams])
        return first, size

    @functools.cached_property
    def roster(self) -> pa.Table:
        """One row per caseworker: pseudonymous id (e.g. sb-7f3a), role, org unit."""
        rows = [(team, member) for team in self.teams for member in range(team.size)]
        return pa.table({
            "resource": [staff_id(self.number, row) for row in range(len(rows))],
            "role": [team.role for team, _ in rows],
            "org_unit": [team.org_unit for team, _ in rows],
        })


def staff_id(workflow_number: int, row: int) -> str:
    """A stable pseudonymous caseworker id: an invertible scramble of (workflow, row) in 16 bits."""
    value = (workflow_number * 256 + row) & 0xFFFF
    return f"sb-{(value * 0x9E37 + 0x7F4A) & 0xFFFF:04x}"
