"""Deterministic simulation of Danish municipal workflows into canonical datasets (the sample logs).

Example: `write_simulated_dataset("sample_logs/aktindsigt", SimulationOptions("aktindsigt", cases=800, seed=1))`.
"""

from __future__ import annotations

from procmine.simulation.simulator import (
                                           ALL,
                                           BLOCK_CASES,
                                           SimulationOptions,
                                           simulate_blocks,
                                           simulate_log,
                                           write_simulated_dataset,
)
from procmine.simulation.workflows import WORKFLOWS

__all__ = ["ALL", "BLOCK_CASES", "WORKFLOWS", "SimulationOptions", "simulate_blocks", "simulate_log",
           "write_simulated_dataset"]
