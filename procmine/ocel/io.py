"""Read and write OCEL 2.0 in its three standard forms, chosen by the file name (or its content)."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from procmine.errors import ConfigError, LogValidationError, located
from procmine.memory_pages import ordinary_pages
from procmine.ocel.json_io import read_ocel_json, write_ocel_json
from procmine.ocel.model import ObjectCentricLog
from procmine.ocel.sqlite_io import write_ocel_sqlite
from procmine.ocel.sqlite_read import read_ocel_sqlite
from procmine.ocel.xml_io import read_ocel_xml, write_ocel_xml

FORMS = ("json", "xml", "sqlite")
_SUFFIXES = {".json": "json", ".jsonocel": "json", ".xml": "xml", ".xmlocel": "xml", ".sqlite": "sqlite",
             ".sqlite3": "sqlite", ".db": "sqlite"}
_READERS = {"json": read_ocel_json, "xml": read_ocel_xml, "sqlite": read_ocel_sqlite}
_WRITERS = {"json": write_ocel_json, "xml": write_ocel_xml, "sqlite": write_ocel_sqlite}


def ocel_form(path: str | os.PathLike) -> str | None:
    """json, xml or sqlite by the file's name (a .gz suffix is looked through), else by its first bytes."""
    path = Path(path)
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in _SUFFIXES:
        return _SUFFIXES[suffixes[-1]]
    if path.is_file():
        with open(path, "rb") as handle:
            start = handle.read(64).lstrip()
        if start.startswith(b"SQLite format 3"):
            return "sqlite"
        if start.startswith(b"{"):
            return "json"
        if start.startswith(b"<"):
            return "xml"
    return None


def read_ocel(path: str | os.PathLike) -> ObjectCentricLog:
    """Read an OCEL 2.0 file (JSON, XML or SQLite), checked; bad input raises LogValidationError."""
    path = Path(path)
    if not path.is_file():
        raise LogValidationError(located("The OCEL file does not exist", file=path, hint="Check the path"))
    form = ocel_form(path)
    if form is None:
        raise LogValidationError(located("This is not an OCEL 2.0 file (neither JSON, XML nor SQLite)",
                                         file=path, hint="Name it .jsonocel, .xmlocel or .sqlite"))
    # A parsed log is millions of small objects that all live to the end: the cyclic garbage
    # collector would scan them again and again while they are made (measured: a third of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with ordinary_pages():
            return _READERS[form](path)
    finally:
        if collecting:
            gc.enable()


def write_ocel(log: ObjectCentricLog, path: str | os.PathLike, form: str | None = None) -> str:
    """Write the log as OCEL 2.0 in `form` (default: by the file name); gives the form written."""
    form = form or ocel_form(path)
    if form not in _WRITERS:
        raise ConfigError(f"Cannot tell which OCEL form to write for {path}; name it .jsonocel, .xmlocel "
                          f"or .sqlite, or choose a form: {', '.join(FORMS)}.")
    _WRITERS[form](log, Path(path))
    return form
