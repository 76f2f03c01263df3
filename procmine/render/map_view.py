"""What a process map shows of a log: a readable first view, a layout budget, and bridged paths.

- A map opens on at most DEFAULT_ACTIVITIES activities and DEFAULT_PATHS paths
  (`default_shares`): the most frequent ones, so that BPIC15_1's 398 activities and
  4,821 paths open as a readable map in a second instead of an hour of layout.
- Whatever the sliders ask, a map never has more than MAX_ACTIVITIES activities and
  MAX_PATHS paths: beyond that Graphviz takes minutes; the view is cut and says so.
- As in Disco, hiding an activity does not hide the flow through it: the map is the
  directly-follows graph of the log with the hidden activities' events left out, so
  an arrow A -> B also counts the cases that did hidden activities between A and B.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from procmine.analysis.dfg import Dfg
from procmine.analysis.dfg import dfg as dfg_of
from procmine.render.map_sliders import ReducedMap, check_shares, full_graph, ranked_activities, reduce_map

DEFAULT_ACTIVITIES = 60
DEFAULT_PATHS = 150
# Measured on BPIC15_1 (2 shared cores): a cut map of 120 activities / 250 paths lays out in about
# 1 s, one of 150 / 350 in 17-26 s; Graphviz's time grows steeply with the paths.
MAX_ACTIVITIES = 120
MAX_PATHS = 250


@dataclass(frozen=True)
class MapView:
    """The map to draw (`dfg`, `reduced`) and what it leaves out of the whole log's map."""

    dfg: Dfg                  # the DFG drawn: of the log without the hidden activities' events
    reduced: ReducedMap
    activities_total: int
    paths_total: int          # paths of the full map, start and end arrows included
    shown_event_share: float  # share of the log's events that belong to the shown activities
    bridged: bool             # the paths were recomputed around hidden activities
    cut: bool                 # the layout budget showed less than the sliders asked for

    @property
    def hidden_activities(self) -> int:
        return self.activities_total - len(self.reduced.activities)

    @property
    def hidden_paths(self) -> bool:
        return len(self.reduced.edges) < self.paths_total or self.hidden_activities > 0


def map_view(log, activities: float = 1.0, paths: float = 1.0) -> MapView:
    """The map of an EventLog at the slider positions, with the flow through hidden activities bridged."""
    whole = dfg_of(log)
    return _view(whole, activities, paths, project=lambda kept: _projected_dfg(log, kept))


def dfg_view(dfg: Dfg, activities: float = 1.0, paths: float = 1.0) -> MapView:
    """The map of a DFG alone (no log to bridge with): hidden activities take their paths with them."""
    return _view(dfg, activities, paths, project=None)


def default_shares(log) -> tuple[float, float]:
    """Slider positions (whole percents, as shares 0..1) of a readable first map of `log`."""
    whole = dfg_of(log)
    ranked = ranked_activities(whole)
    if not ranked:
        return 1.0, 1.0
    activities = 1.0
    if len(ranked) > DEFAULT_ACTIVITIES:
        activities = max(1, math.floor(100 * DEFAULT_ACTIVITIES / len(ranked))) / 100
    shown = _view(whole, activities, 1.0, project=lambda kept: _projected_dfg(log, kept))
    if len(shown.reduced.edges) <= DEFAULT_PATHS:
        return activities, 1.0
    backbone, optional = _path_counts(shown.dfg, 1.0)
    room = max(0, DEFAULT_PATHS - backbone)
    return activities, math.floor(100 * room / optional) / 100 if optional else 1.0


def _view(whole: Dfg, activities: float, paths: float, project) -> MapView:
    check_shares(activities, paths)
    ranked = ranked_activities(whole)
    count = max(1, math.ceil(activities * len(ranked) - 1e-9)) if ranked else 0
    cut = count > MAX_ACTIVITIES
    count = min(count, MAX_ACTIVITIES)
    bridged = project is not None and 0 < count < len(ranked)
    shown, share = (project(ranked[:count]), 1.0) if bridged else (whole, count / max(len(ranked), 1))
    reduced = reduce_map(shown, share, paths)
    if len(reduced.edges) > MAX_PATHS:
        backbone, optional = _path_counts(shown, share)
        reduced = reduce_map(shown, share, max(0, MAX_PATHS - backbone) / optional)
        cut = True
    events = dict(zip(whole.activities["activity"].astype(str), whole.activities["events"]))
    total_events = sum(events.values()) or 1
    shown_events = sum(events.get(a, 0) for a in reduced.activities)
    return MapView(shown, reduced, len(ranked), len(full_graph(whole)), shown_events / total_events,
                   bridged, cut)


def _path_counts(dfg: Dfg, activities: float) -> tuple[int, int]:
    """(paths every map keeps, optional paths) at an activity share."""
    backbone = len(reduce_map(dfg, activities, 0.0).edges)
    return backbone, len(reduce_map(dfg, activities, 1.0).edges) - backbone


def _projected_dfg(log, kept: list[str]) -> Dfg:
    """The DFG of `log` with only the events of the `kept` activities."""
    from procmine.filters import EventAttributeFilter

    return dfg_of(log.filter(EventAttributeFilter(values=tuple(kept), mode="keep")))
