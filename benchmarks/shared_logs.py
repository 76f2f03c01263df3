"""The public event log the benchmarks time: Road Traffic Fines in ../shared/data."""

from __future__ import annotations

from pathlib import Path

ROAD_TRAFFIC_FINES = (Path(__file__).resolve().parents[1].parent / "shared" / "data"
                      / "Road_Traffic_Fine_Management_Process.xes.gz")
