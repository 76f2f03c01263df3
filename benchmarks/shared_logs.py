"""The public event logs the benchmarks time, in ../shared/data (one place for the path)."""

from __future__ import annotations

from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ROAD_TRAFFIC_FINES = SHARED_DATA / "Road_Traffic_Fine_Management_Process.xes.gz"
