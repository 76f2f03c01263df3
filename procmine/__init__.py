"""procmine: process mining for Danish municipal case workflows."""

from __future__ import annotations

from procmine.dataset import Dataset, read_dataset, write_dataset
from procmine.errors import ProcmineError

__all__ = ["Dataset", "ProcmineError", "read_dataset", "write_dataset"]
__version__ = "0.1.0"
