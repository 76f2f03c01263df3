"""The sentences that go with a process map: what it leaves out, and a legend of its widths, colours and numbers."""

from __future__ import annotations

from procmine.formatting import format_number, format_percent
from procmine.i18n import text
from procmine.languages import Language
from procmine.render.map_view import MAX_ACTIVITIES, MAX_PATHS, MapView


def view_notes(view: MapView, lang: Language) -> list[str]:
    """What the map shows of the whole log's map, whether hidden flow is bridged, whether it was cut."""
    if not view.hidden_paths and not view.cut:
        return []
    notes = [text("maps.shown", lang, activities=format_number(len(view.reduced.activities), lang),
                  activities_total=format_number(view.activities_total, lang),
                  events=format_percent(view.shown_event_share, lang),
                  paths=format_number(len(view.reduced.edges), lang),
                  paths_total=format_number(view.paths_total, lang))]
    if view.bridged:
        notes.append(text("maps.bridged", lang, hidden=format_number(view.hidden_activities, lang)))
    if view.cut:
        notes.append(text("maps.cut", lang, max_activities=MAX_ACTIVITIES, max_paths=MAX_PATHS))
    return notes


def legend_lines(metric: str, statistic: str, node_count: str, lang: Language) -> list[str]:
    """What widths, colours and numbers mean on a map drawn with these options."""
    unit = text(f"maps.unit.{node_count}", lang)
    boxes = "frequency" if metric == "frequency" else "performance"
    statistic_word = text(f"maps.statistic.{statistic}", lang)
    return [text(f"maps.legend.boxes_{boxes}", lang, unit=unit),
            text(f"maps.legend.arrows_{metric}", lang, statistic=statistic_word),
            text("maps.legend.dashed", lang)]
