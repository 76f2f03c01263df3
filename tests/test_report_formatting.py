"""The HTML report formats its figures in one place (procmine.report.figures), by each column's declared kind,
so a value reads the same in the report, the app's tables and the CLI's tables."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import lxml.html
import pytest

import procmine
from procmine import result_tables as tables
from procmine.cli.output import show_table
from procmine.report import ReportSettings, build_report, render_html
from procmine.report import texts as report_texts
from procmine.report.figures import Figures, raw
from procmine.table_format import readable

REPORT = Path(report_texts.__file__).parent
SAMPLE = Path(__file__).resolve().parents[1] / "sample_logs" / "aktindsigt"
FORMATTER = "figures.py"
# The Excel workbook writes numbers as numbers (its number formats follow the kinds), never text.
NOT_TEXT = {"xlsx.py"}
# Where a number is written that is not a figure people read: SVG coordinates and CSS widths.
GEOMETRY = {("charts.py", "_at")}
UNIT_WORDS = re.compile(r"(?<![\w.])(dage|days|arbejdsdage|working days|timer|hours|points?|pct\.-point|pp)(?![\w=])")
UNIT_ALONE = re.compile(r"^\s+(d|t|h|m|s|%)(\s|$)")
PRINTF = re.compile(r"%[-+ 0#]*\d*(\.\d+)?[dfieEgG]")
NUMBER_MODULES = ("procmine.formatting", "procmine.table_format", "procmine.units")


def ad_hoc_formatting(source: str, name: str) -> list[str]:
    """Each place in a module's source that formats a shown figure itself: '<module>:<line> <what>'."""
    tree = ast.parse(source)
    exempt_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and (name, node.name) in GEOMETRY:
            exempt_lines |= set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    found = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if line in exempt_lines or id(node) in docstrings:   # docstrings name units in prose
            continue
        what = _what(node)
        if what:
            found.append(f"{name}:{line} {what}")
    return found


def _what(node: ast.AST) -> str | None:
    if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
        return "a format spec in an f-string"
    if isinstance(node, ast.Call):
        function = node.func
        if isinstance(function, ast.Name) and function.id in ("round", "format"):
            return f"{function.id}()"
        if isinstance(function, ast.Attribute) and function.attr in ("strftime", "isoformat"):
            return f".{function.attr}()"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if UNIT_WORDS.search(node.value) or UNIT_ALONE.search(node.value):
            return f"a unit in a literal {node.value!r}"
        if PRINTF.search(node.value):
            return f"a printf format {node.value!r}"
    if isinstance(node, ast.ImportFrom) and node.module in NUMBER_MODULES:
        return f"an import from {node.module}"
    return None


def _modules() -> list[Path]:
    return sorted(p for p in REPORT.rglob("*.py") if p.name != FORMATTER and p.name not in NOT_TEXT)


def test_no_report_module_formats_a_figure_outside_the_one_formatter():
    modules = _modules()
    assert {"view.py", "texts.py", "dcr_section.py", "journeys_section.py", "risk_section.py",
            "benchmark_html.py", "builder.py", "charts.py"} <= {p.name for p in modules}
    found = [place for path in modules for place in ad_hoc_formatting(path.read_text(encoding="utf-8"),
                                                                       path.name)]
    assert found == []


@pytest.mark.parametrize("source", [
    'shown = f"{value:.1f}"', "shown = round(share * 100, 1)", 'day = moment.strftime("%d.%m.%Y")',
    'shown = f"{days} dage"', 'unit = " days"', 'shown = f"{share * 100} %"', "from procmine.formatting import format_number",
    'shown = "%.1f" % value', "label = day.isoformat()", 'shown = format(value, ",")',
])
def test_the_check_finds_ad_hoc_formatting(source):
    assert ad_hoc_formatting(source, "view.py")


def test_the_check_leaves_geometry_and_words_alone():
    source = ('def _at(value):\n    return f"{value:.1f}"\n'
              'label = words.t(f"kpi.unit.{kind}")\nsvg = f\'<polyline points="{_at(x)}"\'\n')
    assert ad_hoc_formatting(source, "charts.py") == []
    assert ad_hoc_formatting(source, "view.py") == ["view.py:2 a format spec in an f-string"]


def test_the_template_formats_nothing():
    template = (REPORT / "templates" / "report.html.j2").read_text(encoding="utf-8")
    assert not re.findall(r"\|\s*(?:round|format|int|float|filesizeformat)\b|\bw\.(?!t\()\w+\(", template)
    assert [name for name in vars(report_texts.Words) if not name.startswith("_")] == ["t"]


@pytest.fixture(scope="module")
def report():
    log = procmine.open(SAMPLE)
    data = build_report(log, ReportSettings(lang="da", group_by="department"), "aktindsigt",
                        generated_at=dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC))
    return data, lxml.html.fromstring(render_html(data))


def _shown(rows) -> list[dict[str, str]]:
    return [{c.get("data-field"): c.text_content().strip() for c in row.xpath("./td[@data-field]")} for row in rows]


def _tables(data, doc):
    """Each report table next to the engine's frame it shows and its declaration."""
    return [(doc.xpath("//table[@data-table='bottlenecks']//tr[@data-source]"), data.bottlenecks, tables.TRANSITIONS),
            (doc.xpath("//section[@data-section='trend']//tr[@data-period]"), data.trend, tables.PERIOD_TREND),
            (doc.xpath("//table[@data-table='groups']//tr[@data-group]"), data.groups, tables.GROUPS),
            (doc.xpath("//table[@data-table='compliance-department']//tr[@data-group]"), data.compliance.by_group,
             tables.COMPLIANCE),
            (doc.xpath("//table[@data-table='workload']//tr[@data-name]"), data.workload, tables.WORKLOAD)]


def test_every_table_value_reads_as_in_the_apps_and_the_clis_tables(report, capsys):
    data, doc = report
    for rows, frame, declared in _tables(data, doc):
        shown = _shown(rows)
        assert len(shown) == len(frame) > 0, declared.name
        fields = list(shown[0])
        app = readable(frame[fields], "da", declared=declared)   # what the app's tables show (ui.downloads.table)
        assert shown == app.to_dict("records"), declared.name
        show_table(frame[fields], declared.name, rows=len(frame), lang="da", declared=declared)   # the CLI's
        cli = capsys.readouterr().out
        assert all(value in cli for row in shown for value in row.values()), declared.name


def test_durations_read_in_the_short_units_of_every_face(report):
    _, doc = report
    waits = doc.xpath("//table[@data-table='bottlenecks']//td[@data-field='median_seconds']")
    texts = [w.text_content() for w in waits]
    assert "3,0 d" in texts and "20 t 3 m" in texts and not any("dage" in t for t in texts)
    variant = doc.xpath("//li[@data-variant='1']//*[@data-field='median_throughput_seconds']")[0]
    assert variant.text_content().endswith(" 5,3 d")
    assert Figures("da").column("median_seconds", 260_420.0, tables.TRANSITIONS) == "3,0 d"


def test_kpi_cards_show_their_declared_kind_and_name_the_unit_of_measured_days(report):
    _, doc = report
    cards = {c.get("data-kpi"): c for c in doc.xpath("//*[@data-kpi]")}
    assert set(cards) <= set(tables.PERIOD_KPIS.kinds())
    median = cards["median_days"]
    assert median.xpath(".//*[@class='kpi-value']")[0].text_content() == "6,0 dage"
    assert median.xpath(".//*[@class='kpi-change']")[0].text_content() == "▼ −15,4 % · bedre"
    compliance = cards["deadline_compliance"]
    assert compliance.xpath(".//*[@class='kpi-value']")[0].text_content() == "84,4 %"
    assert compliance.xpath(".//*[@class='kpi-change']")[0].text_content() == "▲ +18,7 pct.-point · bedre"
    assert cards["cases_started"].xpath(".//*[@class='kpi-change']")[0].text_content() == "▲ +13,5 % · ændring"


def test_raw_values_keep_full_precision_and_dates_iso():
    assert raw(0.1 + 0.2) == "0.30000000000000004" and raw(None) == "" and raw(float("nan")) == ""
    assert raw(dt.date(2026, 10, 1)) == "2026-10-01" and raw(7) == "7"


def test_a_kpi_change_from_zero_is_the_signed_difference():
    figures = Figures("en")
    assert figures.change("count", 5.0, None) == "+5"
    assert figures.change("share", -0.05, -0.1) == "−5.0 pp"
    assert figures.change("days", -1.0, -0.15) == "−15.0 %"
    assert figures.axis(2.5) == "2.5" and figures.axis(12.5) == "12" and figures.axis(20.0) == "20"
    assert figures.date(None) == "unknown" and Figures("da").date(dt.date(2026, 11, 28)) == "28. nov. 2026"
    assert figures.value("sequence", ("a", "b")) == "a → b" and figures.value("text", None) == "–"
    assert Figures("da").value("instant", dt.datetime(2026, 3, 4, 8, 5, tzinfo=dt.UTC)) == "4. mar. 2026 09.05"
