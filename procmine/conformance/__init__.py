"""Conformance of a log against a reference model: token replay, alignments and ETC precision."""

from procmine.conformance.checking import (
    CASE_COLUMNS,
    ConformanceResult,
    VariantConformance,
    check_conformance,
    check_variants,
)
from procmine.conformance.models import PetriModel, read_model
from procmine.conformance.precision import etc_precision

__all__ = ["CASE_COLUMNS", "ConformanceResult", "PetriModel", "VariantConformance", "check_conformance",
           "check_variants", "etc_precision", "read_model"]
