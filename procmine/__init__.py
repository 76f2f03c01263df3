"""procmine: process mining for Danish municipal case workflows."""

from __future__ import annotations

from procmine.bpmn_import import read_bpmn  # noqa: F401  (procmine.read_bpmn(path))
from procmine.dataset import Dataset, read_dataset, write_dataset
from procmine.errors import ProcmineError
from procmine.eventlog import EventLog
from procmine.importing.frames import pandas_to_dataset as from_pandas
from procmine.opening import open_log as open

__all__ = ["Dataset", "EventLog", "ProcmineError", "from_pandas", "open", "read_dataset",
           "write_dataset"]
__version__ = "0.1.0"
