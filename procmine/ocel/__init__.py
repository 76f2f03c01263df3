"""Object-centric event logs (OCEL 2.0): read and write the three standard forms, keep them
as a dataset folder, and flatten them by any object type (the case notion)."""

from __future__ import annotations

from procmine.ocel.flatten import FlatteningReport, flatten
from procmine.ocel.io import FORMS, ocel_form, read_ocel, write_ocel
from procmine.ocel.model import ObjectCentricLog
from procmine.ocel.store import is_object_centric, read_ocel_dataset, write_ocel_dataset

__all__ = ["FORMS", "FlatteningReport", "ObjectCentricLog", "flatten", "is_object_centric", "ocel_form",
           "read_ocel", "read_ocel_dataset", "write_ocel", "write_ocel_dataset"]
