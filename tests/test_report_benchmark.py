"""`procmine report --benchmark FOLDER`: the municipal benchmark as a section of the management report."""

from __future__ import annotations

import re

import pytest
from test_sqlforms_benchmark import write_municipality
from typer.testing import CliRunner

from procmine.benchmarking import benchmark, municipal_datasets
from procmine.cli import app

TITLES = {"en": ("Municipal benchmark", "Throughput per municipality and case type", "Figures behind fewer than 5"),
          "da": ("Benchmark mellem kommuner", "Gennemløbstid pr. kommune og sagstype", "Tal bag færre end 5")}


@pytest.fixture(scope="module")
def kl(tmp_path_factory):
    root = tmp_path_factory.mktemp("kl")
    write_municipality(root / "municipality=Syddjurs", {"aktindsigt": 40, "byggetilladelse": 3}, seed=1)
    write_municipality(root / "municipality=Norddjurs", {"aktindsigt": 25, "byggetilladelse": 12}, seed=2)
    return root


def section(page: str) -> str:
    found = re.search(r"<section id='benchmark'.*?</section>", page, re.DOTALL)
    assert found, "the report has no benchmark section"
    return found.group(0)


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_report_holds_the_benchmark_section_with_small_cells_hidden(kl, tmp_path, lang):
    out = tmp_path / f"report_{lang}.html"
    result = CliRunner().invoke(app, ["report", str(kl / "municipality=Syddjurs"), "-o", str(out), "--lang", lang,
                                      "--benchmark", str(kl)])
    assert result.exit_code == 0, result.output
    part = section(out.read_text(encoding="utf-8"))
    for words in TITLES[lang]:
        assert words in part
    expected = benchmark(municipal_datasets(kl))
    rows = re.findall(r"<tr>(.*?)</tr>", part)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]
    byggetilladelse = [c for c in cells if c[:2] == ["Syddjurs", "byggetilladelse"]]
    assert byggetilladelse and set(byggetilladelse[0][2:]) == {"&lt;5"}     # 3 cases: every figure hidden
    kpi_rows = {c[0]: c for c in cells if len(c) == len(expected.kpis.columns)}
    for row in expected.kpis.itertuples(index=False):
        assert kpi_rows[row.municipality][1] == str(row.cases)          # case counts as the benchmark gives them
    assert not re.search(r">c\d+<", part)                               # no case id leaves a municipality


def test_without_the_option_there_is_no_benchmark_section(kl, tmp_path):
    out = tmp_path / "plain.html"
    result = CliRunner().invoke(app, ["report", str(kl / "municipality=Norddjurs"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "id='benchmark'" not in out.read_text(encoding="utf-8")


def test_a_benchmark_folder_of_one_dataset_is_a_clear_error(kl, tmp_path):
    result = CliRunner().invoke(app, ["report", str(kl / "municipality=Norddjurs"), "-o", str(tmp_path / "r.html"),
                                      "--benchmark", str(kl / "municipality=Norddjurs")])
    assert result.exit_code == 2 and "at least two" in result.stderr
    assert not (tmp_path / "r.html").exists()
