"""Exporters: write a dataset as XES, CSV or Parquet that pm4py, Disco and ProM read."""

from __future__ import annotations

import os
from pathlib import Path

from procmine.dataset import Dataset
from procmine.errors import ProcmineError

EXPORT_SUFFIXES = (".xes", ".xes.gz", ".csv", ".parquet")


def export_dataset(dataset: Dataset, out: str | os.PathLike) -> Path:
    """Write `dataset` to `out`; the format follows the suffix (.xes, .xes.gz, .csv, .parquet)."""
    out = Path(out)
    name = out.name.lower()
    if name.endswith((".xes", ".xes.gz")):
        from procmine.exporting.xes_writer import write_xes
        write_xes(dataset, out)
    elif name.endswith(".csv"):
        from procmine.exporting.table_writers import write_csv
        write_csv(dataset, out)
    elif name.endswith(".parquet"):
        from procmine.exporting.table_writers import write_parquet
        write_parquet(dataset, out)
    else:
        raise ProcmineError(
            f"Cannot tell the export format from {out}: the name must end in "
            f"{', '.join(EXPORT_SUFFIXES)}. Rename the output file.")
    return out
