"""The DCR parts of `procmine discover --miner dcr` and `procmine conformance --model graph.xml`."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from procmine.errors import ModelError

DCR_SUFFIXES = (".xml", ".svg", ".png", ".dot")


def discover_dcr_file(log, out: Path, time_unit: str, deadline_share: float) -> str:
    """Discover the timed DCR graph of the log, write it to `out`; the sentence to print."""
    from procmine.dcr.graph import TimeUnit
    from procmine.dcr.model import discover_timed_dcr
    from procmine.dcr.picture import write_dcr_picture
    from procmine.dcr.timing import TimingOptions
    from procmine.dcr.xml_io import write_dcr_xml

    suffix = out.suffix.lower()
    if suffix not in DCR_SUFFIXES:
        raise ModelError(f"Cannot write a DCR graph as {out.name!r}: unknown suffix {out.suffix!r}. "
                         "Name the output .xml (DCR XML for dcrgraphs.net), .svg, .png or .dot.")
    options = TimingOptions(unit=cast(TimeUnit, time_unit),  # TimingOptions checks it
                             deadline_share=deadline_share)
    graph = discover_timed_dcr(log, timing=options)
    if suffix == ".xml":
        write_dcr_xml(graph, out)
    else:
        write_dcr_picture(graph, out)
    counts = {kind: len(pairs) for kind, pairs in graph.relation_sets().items()}
    parts = [_counted(len(graph.activities), "event"), _counted(counts["condition"], "condition"),
             _counted(counts["response"], "response"), _counted(counts["exclude"], "exclusion"),
             _counted(counts["include"], "inclusion")]
    times = f"{_counted(len(graph.delays), 'delay')} and {_counted(len(graph.deadlines), 'deadline')}"
    return f"Wrote the DCR graph ({', '.join(parts)}; {times} in {time_unit.replace('_', ' ')}) to {out}."


def _counted(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def check_dcr_file(log, model: Path, format: str) -> None:
    """Print which rules of the DCR graph in `model` the log's cases break (table or JSON)."""
    from procmine.cli.output import Part, Shown, measures, records, render
    from procmine.dcr.model import check_dcr_against_file

    result = check_dcr_against_file(log, model)
    broken = result.broken_rules()
    deviating = result.deviating_cases()
    render(format, Shown((Part(measures(result.summary()), "DCR conformance"),
                          Part(broken[["rule", "cases", "share"]].assign(variants=broken["variants"].map(_short)),
                               "Rules most often broken", rows=20),
                          Part(deviating[["case_id", "variant", "rules"]], "Cases that break a rule", rows=20)),
                         lambda: {**result.summary(), "most_broken_rules": records(broken),
                                  "deviating_cases": records(deviating)}, deviating))


def _short(variants: str, shown: int = 8) -> str:
    parts = variants.split(", ") if variants else []
    return ", ".join(parts[:shown]) + (f" … (+{len(parts) - shown})" if len(parts) > shown else "")
