"""DCR graphs: DisCoveR discovery, timed relations in working days, conformance, DCR XML and pictures."""

from procmine.dcr.discovery import DcrOptions, discover_dcr, discover_dcr_from_traces
from procmine.dcr.graph import DcrGraph, Rule

__all__ = ["DcrGraph", "DcrOptions", "Rule", "discover_dcr", "discover_dcr_from_traces"]
