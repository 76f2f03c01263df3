"""Importers: read a CSV, Excel, XES or Parquet event log into the canonical dataset."""

from __future__ import annotations

import os
from pathlib import Path

from procmine.dataset import Dataset, write_dataset
from procmine.errors import LogValidationError
from procmine.importing.options import ImportOptions, RawLog

FORMATS = ("csv", "xlsx", "xes", "parquet")


def detect_format(source: Path) -> str:
    """Guess the format of a log file from its name: csv, xlsx, xes (also .xes.gz) or parquet."""
    name = source.name.lower()
    for suffix, kind in ((".xes.gz", "xes"), (".xes", "xes"), (".csv", "csv"), (".txt", "csv"),
                         (".tsv", "csv"), (".csv.gz", "csv"), (".xlsx", "xlsx"), (".xlsm", "xlsx"),
                         (".parquet", "parquet"), (".pq", "parquet")):
        if name.endswith(suffix):
            return kind
    raise LogValidationError(
        f"{source}: cannot tell the format from the file name. "
        f"Name it .csv, .xlsx, .xes, .xes.gz or .parquet, or pass --format ({'|'.join(FORMATS)}).")


def read_log(source: str | os.PathLike, options: ImportOptions = ImportOptions()) -> RawLog:
    """Read a log file into canonical Arrow tables without writing anything."""
    source = Path(source)
    if not source.exists():
        raise LogValidationError(f"{source} does not exist. Check the path.")
    if source.is_dir():
        raise LogValidationError(f"{source} is a folder, not a log file. Name a file.")
    kind = options.format or detect_format(source)
    if kind not in FORMATS:
        raise LogValidationError(f"Unknown format {kind!r}; use one of {', '.join(FORMATS)}.")
    if source.stat().st_size == 0:
        raise LogValidationError(f"{source} is empty (0 bytes). Export the log again.")
    if kind == "csv":
        from procmine.importing.csv_reader import read_csv_log
        return read_csv_log(source, options)
    if kind == "xlsx":
        from procmine.importing.excel_reader import read_excel_log
        return read_excel_log(source, options)
    if kind == "xes":
        from procmine.importing.xes_reader import read_xes_log
        return read_xes_log(source, options)
    from procmine.importing.parquet_reader import read_parquet_log
    return read_parquet_log(source, options)


def import_log(source: str | os.PathLike, target: str | os.PathLike,
               options: ImportOptions = ImportOptions()) -> Dataset:
    """Read a log file and write it as a dataset folder at `target`, atomically."""
    source = Path(source)
    raw = read_log(source, options)
    return write_raw_log(raw, target, options, {"path": str(source),
                                                "format": options.format or detect_format(source)})


def write_raw_log(raw: RawLog, target: str | os.PathLike, options: ImportOptions,
                  source: dict) -> Dataset:
    """Write what `read_log` gave as a dataset folder; what was left out goes to procmine.json.

    The one writing step of `procmine import` and of the app's upload.
    """
    extra = {"quarantine": raw.quarantine.as_meta()} if raw.quarantine is not None else None
    return write_dataset(target, raw.events, raw.cases, timezone=options.timezone, notes=raw.notes,
                         source={**source, **raw.source_info}, extra_meta=extra)
