"""The app formats no number, duration, share or time by hand: its tables go through the declared kinds.

procmine/ui/*.py is read line by line for the ways pages used to format shown values
themselves (days as seconds / 86400, f-string precisions, round(), strftime, a
hand-built shown frame); the few lines that format no shown value (picture geometry,
file-name stems, a slider's state) are named here with why.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

from procmine import result_tables as tables
from procmine.table_format import format_cell, pair, readable, with_interval

UI = Path(__file__).resolve().parents[1] / "procmine" / "ui"
AD_HOC = {
    "seconds turned into days by hand": re.compile(r"/\s*(86_?400|DAY_SECONDS)\b"),
    "an f-string precision or percentage": re.compile(r"\{[^{}]*:[<>^+ ,_]*\d*[,_]?\.\d+[f%eg]\}"),
    "an f-string thousands separator": re.compile(r"\{[^{}]*:,[df]?\}"),
    "round() on a value": re.compile(r"(?<![\w.])round\(|\.round\("),
    "strftime": re.compile(r"strftime"),
    "a table shown from a hand-made frame": re.compile(r"shown\s*=\s*pd\.DataFrame\("),
}
# Lines that format no value a person reads as a figure, each with why.
ALLOWED = {
    ("bottlenecks_page.py", 'penwidth=f"{1 + 5 * row.count / largest:.2f}"'): "a DOT arrow's width",
    ("charts.py", "np.linspace(0, len(data) - 1, limit).round()"): "which rows a thinned chart keeps",
    ("dcr_tab.py", "round(timing.deadline_share * 100)"): "a file name's stem",
    ("model_page.py", "round(noise * 100)"): "a file name's stem",
    ("map_page.py", 'st.session_state["map_activities"] = round(activities * 100)'): "a slider's position",
    ("map_page.py", 'st.session_state["map_paths"] = round(paths * 100)'): "a slider's position",
    ("picture_viewer.py", 'data-w="{width:.1f}" data-h="{height:.1f}"'): "a picture's size in CSS",
    ("picture_viewer.py", 'data-sx="{start[0]:.4f}" data-sy="{start[1]:.4f}"'): "a picture's zoom in CSS",
    ("picture_viewer.py", "height:min({height + 24:.0f}px"): "a picture's size in CSS",
    ("picture_viewer.py", 'width="{width:.0f}" height="{height:.0f}"'): "a picture's size in CSS",
}
# Tables shown other than from a result by its kinds: each made by a shared face formatter, or not a result.
SHOWN_AS_MADE = {
    ("benchmark_page.py", "display_table"): "the benchmark's table, small cells hidden (procmine.report)",
    ("compare_page.py", "table"): "compare's KPIs by each row's kind (table_format.kpi_figures)",
    ("radar_page.py", "wording.card_table"): "the model card (procmine.prediction.wording)",
    ("upload.py", "preview.rows.to_pandas"): "the rows of a file before import, as they are",
}


def ad_hoc_formatting(name: str, source: str) -> list[str]:
    """The lines of a module that format a shown value by hand: "file:line: what: the line"."""
    found = []
    for number, line in enumerate(source.splitlines(), 1):
        if any(file == name and fragment in line for file, fragment in ALLOWED):
            continue
        found += [f"{name}:{number}: {what}: {line.strip()}" for what, pattern in AD_HOC.items()
                  if pattern.search(line)]
    return found + tables_shown_as_made(name, source)


def tables_shown_as_made(name: str, source: str) -> list[str]:
    """Calls that show a table made by the page (downloads.table(shown=...), st.dataframe) not named above."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        called = ast.unparse(node.func)
        made = [keyword.value for keyword in node.keywords if keyword.arg == "shown"] \
            if called.endswith("downloads.table") or called == "table" else \
            node.args[:1] if called.endswith("st.dataframe") and name != "downloads.py" else []
        for value in made:
            maker = ast.unparse(value.func if isinstance(value, ast.Call) else value)
            if (name, maker) not in SHOWN_AS_MADE:
                found.append(f"{name}:{node.lineno}: a table shown from a hand-made frame: {ast.unparse(node)[:120]}")
    return found


def test_no_page_formats_a_shown_value_by_hand():
    found = [hit for path in sorted(UI.glob("*.py"))
             for hit in ad_hoc_formatting(path.name, path.read_text(encoding="utf-8"))]
    assert not found, "format through procmine.formatting / downloads.table(declared=...):\n" + "\n".join(found)


def test_every_allowed_line_still_exists():
    """An allowance for a line that is gone would let its next hand-made format in unseen."""
    for (name, fragment), why in ALLOWED.items():
        assert fragment in (UI / name).read_text(encoding="utf-8"), f"{name}: {why}: {fragment}"
    for (name, maker), why in SHOWN_AS_MADE.items():
        assert maker in (UI / name).read_text(encoding="utf-8"), f"{name}: {why}: {maker}"


@pytest.mark.parametrize("line, what", [
    ('    days = [v / 86400 for v in frame["median_seconds"]]', "seconds turned into days by hand"),
    ('    days = [v / DAY_SECONDS for v in values]', "seconds turned into days by hand"),
    ('    label = f"{share:.0%} of cases"', "an f-string precision or percentage"),
    ('    label = f"{days:.1f} d"', "an f-string precision or percentage"),
    ('    label = f"{count:,} cases"', "an f-string thousands separator"),
    ('    risk = (head["risk"] * 100).round(0)', "round() on a value"),
    ('    value = round(median, 1)', "round() on a value"),
    ('    day = moment.strftime("%d.%m.%Y")', "strftime"),
    ('    shown = pd.DataFrame({t("kpi.cases"): frame["cases"]})', "a table shown from a hand-made frame"),
    ('    downloads.table(frame, "x", key="x", shown=mine)', "a table shown from a hand-made frame"),
    ('    st.dataframe(pd.DataFrame({"x": [1]}), hide_index=True)', "a table shown from a hand-made frame"),
])
def test_the_check_finds_each_kind_of_hand_formatting(line, what):
    found = ad_hoc_formatting("some_page.py", f"def page():\n{line}\n")
    assert found and what in found[0], found


def test_the_check_passes_formatting_through_the_formatter():
    source = ('downloads.table(frame, "x", key="x", declared=VARIANTS, columns={"cases": t("kpi.cases")})\n'
              'first.metric(t("kpi.cases"), format_number(facts.cases, lang))\n'
              'picked = st.selectbox(t("x"), names, key=state.language_key("x"))\n')
    assert ad_hoc_formatting("some_page.py", source) == []


def test_a_duration_difference_is_in_days_when_the_compared_durations_are():
    day = 86_400.0
    frame = pd.DataFrame({"median_a_seconds": [7.9 * day, 600.0], "median_b_seconds": [7.8 * day, 300.0],
                          "median_difference_seconds": [-0.1 * day, -300.0]})
    shown = readable(frame, "da", declared=tables.COMPARE_EDGES)
    assert list(shown["median_difference_seconds"]) == ["−0,1 d", "−5 m"]
    assert format_cell("median_difference_seconds", -0.1 * day, "da") == "−2 t 24 m"   # no sizes: as it is


def test_a_figure_with_its_interval_and_a_pair_by_their_kind():
    assert with_interval("working_days", 3.669, 0.94, 10.236, "da") == "3,7 (0,9–10,2)"
    assert with_interval("working_days", 6.317, 5.59, 8.207, "en", signed=True, between=" … ") == \
        "+6.3 (+5.6 … +8.2)"
    assert with_interval("working_days", float("nan"), 1.0, 2.0, "en") == "–"
    assert pair("count", 1234, 5, "da") == "1.234 / 5"
    assert pair("share", 0.0, 0.8972, "en") == "0.0 % / 89.7 %"


def test_a_declared_date_shows_a_time_as_its_day():
    due = pd.Timestamp("2026-10-30 00:00:00")
    assert format_cell("due", due, "da", declared=tables.RADAR_CASES) == "30. okt. 2026"
    assert format_cell("start", pd.Timestamp("2026-10-30 09:00", tz="UTC"), "en",
                       declared=tables.BREACHES) == "30 Oct 2026 10:00"


def test_the_app_only_declarations_name_what_their_analyses_give_in_order():
    from procmine.analysis.deadlines import DEFAULT_RULES, deadlines
    from procmine.analysis.journeys import journeys
    from procmine.analysis.throughput import throughput
    from procmine.dcr.model import check_dcr_against_discovered
    from procmine.opening import open_log
    from procmine.prediction import drivers, predict

    samples = Path(__file__).resolve().parents[1] / "sample_logs"
    log = open_log(samples / "aktindsigt")
    found = journeys(log)
    rules = tuple(r for r in DEFAULT_RULES if r.name not in deadlines(log).skipped)
    checked = check_dcr_against_discovered(log)
    results = {tables.JOURNEY_VARIANTS: found.variants, tables.JOURNEY_TRANSITIONS: found.transitions,
               tables.DEPARTMENT_HANDOVERS: found.department_handovers,
               tables.CASEWORKER_HANDOVERS: found.caseworker_handovers, tables.JOURNEY_CONTINUITY: found.continuity,
               tables.CITIZEN_CONTINUITY: found.citizen_continuity, tables.RADAR_CASES: predict(log, rules=rules).cases,
               tables.DRIVERS: drivers(log, rules=rules).table, tables.DCR_RULES: checked.rules,
               tables.DCR_CASES: checked.cases, tables.CASES: throughput(log).cases}
    for declared, frame in results.items():   # the cases page adds the case attributes after CASES
        assert [name for name, _ in declared.columns] == list(frame.columns), declared.name
