"""The five simulated municipal workflows, by name (see DOMAIN.md for their steps and deadlines)."""

from __future__ import annotations

from procmine.simulation.spec import WorkflowSpec
from procmine.simulation.workflows import aktindsigt, borgerhenvendelse, byggetilladelse, genoptraening, merudgifter

WORKFLOWS: dict[str, WorkflowSpec] = {module.SPEC.name: module.SPEC for module in (
    aktindsigt, borgerhenvendelse, byggetilladelse, genoptraening, merudgifter)}
