"""The DCR graph every face shows: DisCoveR's relations, each event's role, delays and deadlines."""

from __future__ import annotations

import os

from procmine.dcr.conformance import DcrConformance, check_dcr
from procmine.dcr.discovery import DcrOptions, discover_dcr
from procmine.dcr.graph import DcrGraph
from procmine.dcr.roles import with_roles
from procmine.dcr.timing import TimingOptions, timed_graph
from procmine.dcr.xml_io import read_dcr_xml
from procmine.formatting import Language
from procmine.workcalendar import WorkCalendar


def discover_timed_dcr(log, options: DcrOptions = DcrOptions(), timing: TimingOptions = TimingOptions(),
                       calendar: WorkCalendar | None = None) -> DcrGraph:
    """The log's DCR graph with roles from the log and times from its waits (CLI, app and report)."""
    return timed_graph(log, with_roles(log, discover_dcr(log, options)), timing, calendar)


def check_dcr_against_file(log, path: str | os.PathLike, lang: Language = "en") -> DcrConformance:
    """The log checked against the DCR graph in the DCR XML file at `path` (rule texts in `lang`)."""
    return check_dcr(log, read_dcr_xml(path), lang=lang)


def check_dcr_against_discovered(log, timing: TimingOptions = TimingOptions(), lang: Language = "en") -> DcrConformance:
    """The log checked against its own timed DCR graph (only delays and deadlines can be broken)."""
    return check_dcr(log, discover_timed_dcr(log, timing=timing), lang=lang)
