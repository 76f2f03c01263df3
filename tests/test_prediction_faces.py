"""The faces of deadline prediction: `procmine predict` and `procmine drivers` (CliRunner), the Frist-radar
page (AppTest), the report's --predict section, and the forecast cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_testing import assert_no_exception, metrics, start_app, texts
from typer.testing import CliRunner

from procmine.cli import app

SAMPLES = Path(__file__).resolve().parents[1] / "sample_logs"


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PROCMINE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_predict_json_has_a_card_and_ranked_open_cases(own_cache):
    result = run("predict", SAMPLES / "aktindsigt", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    [card] = payload["cards"]
    assert card["rule"] == "aktindsigt § 36" and card["shown"] in ("boosting", "logistic", "constant")
    assert ("No better than the baseline" in card["verdict"]) == (card["shown"] != "boosting")
    assert card["train_cases"] > card["test_cases"] > 100
    cases = payload["cases"]
    assert cases and {c["status"] for c in cases} <= {"open", "overdue"}
    risks = [c["risk_share"] for c in cases]
    assert risks == sorted(risks, reverse=True)
    assert all(c["risk_share"] == 1.0 for c in cases if c["status"] == "overdue")
    assert len(list(own_cache.glob("*.pkl"))) == 1
    again = run("predict", SAMPLES / "aktindsigt", "--format", "json")
    assert json.loads(again.output) == payload          # from the cache, the same forecast


def test_predict_table_in_danish_says_what_the_model_is_worth():
    result = run("predict", SAMPLES / "merudgifter", "--lang", "da", "--top", "5")
    assert result.exit_code == 0, result.output
    assert "merudgifter § 100:" in result.output
    assert "Ikke bedre end basismodellen" in result.output or "Modellen slår begge basismodeller" in result.output
    assert "Lært af" in result.output and "Open cases by risk" in result.output
    assert "valgt på de seneste" in result.output and "lige brede intervaller" in result.output


def test_predict_unknown_rule_is_exit_2_naming_the_rules():
    result = run("predict", SAMPLES / "aktindsigt", "--rule", "no such rule")
    assert result.exit_code == 2
    assert "no such rule" in result.output and "aktindsigt § 36" in result.output
    assert "Traceback" not in result.output


def test_predict_rules_file_with_an_unknown_activity_is_exit_2(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - {name: x, start: Nope, within: 3, unit: working_days}\n", encoding="utf-8")
    result = run("predict", SAMPLES / "aktindsigt", "--rules", rules)
    assert result.exit_code == 2 and "'Nope' does not occur" in result.output


def test_drivers_json_keeps_only_drivers_with_30_cases_a_side():
    result = run("drivers", SAMPLES / "byggetilladelse", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    drivers = payload["drivers"]
    assert drivers and payload["min_cases"] == 30
    assert all(d["cases_with"] >= 30 and d["cases_without"] >= 30 for d in drivers)
    assert all(d["difference_low"] <= d["difference"] <= d["difference_high"] for d in drivers)
    sizes = [abs(d["difference"]) for d in drivers]
    assert sizes == sorted(sizes, reverse=True)
    assert {"attribute", "variant", "rework"} <= {d["kind"] for d in drivers}


def test_radar_page_in_both_languages_and_the_link_to_the_case():
    at = start_app(SAMPLES / "aktindsigt", page="radar")
    shown = texts(at)
    assert "Model card: aktindsigt § 36" in shown and "What makes cases slow" in shown
    assert "Open cases" in metrics(at)
    case_id = at.selectbox(key="radar_case").value
    at.button(key="radar_open_case").click().run()
    assert_no_exception(at)
    assert at.session_state["page"] == "cases" and at.session_state["cases_search"] == case_id
    danish = start_app(SAMPLES / "aktindsigt", page="radar", lang="da")
    assert "Modelkort: aktindsigt § 36" in texts(danish) and "Åbne sager" in metrics(danish)


def test_radar_filters_by_risk_and_counts_the_whole_scope():
    at = start_app(SAMPLES / "aktindsigt", page="radar")
    figures = metrics(at)
    table = at.dataframe[0].value
    assert len(table) == int(figures["Open cases"])
    at.slider(key="radar_min_risk").set_value(50).run()
    assert_no_exception(at)
    risky = at.dataframe[0].value
    assert len(risky) == int(metrics(at)["At risk (≥ 50 %)"]) < len(table)
    assert (risky["Risk"] >= 50).all()
    assert metrics(at) == figures              # the figures count the rule's cases, whatever is shown


def test_report_section_only_with_predict(tmp_path):
    plain, predicted = tmp_path / "plain.html", tmp_path / "predicted.html"
    assert run("report", SAMPLES / "aktindsigt", "-o", plain).exit_code == 0
    result = run("report", SAMPLES / "aktindsigt", "-o", predicted, "--predict")
    assert result.exit_code == 0, result.output
    assert 'data-section="risk"' not in plain.read_text(encoding="utf-8")
    html = predicted.read_text(encoding="utf-8")
    assert 'data-section="risk"' in html and 'data-table="risk-departments"' in html
    assert "Cases at risk" in html and 'data-table="risk-drivers"' in html
    assert 'data-table="risk-card"' in html and "10 equal-width bins" in html     # the card says what it measured
    assert "chosen on the latest" in html and "case-bootstrap interval" in html


def test_a_reason_writes_its_number_in_the_reader_s_language():
    from procmine.prediction.radar import Reason
    from procmine.prediction.wording import reason_text

    days = Reason("elapsed_working_days", 7.2, 0.4)
    count = Reason("events_so_far", 3.0, 0.1)
    category = Reason("activity", "Partshøring", 0.2)
    assert reason_text(days, "da").endswith("= 7,2")
    assert reason_text(days, "en").endswith("= 7.2")
    assert reason_text(count, "da").endswith("= 3")
    assert reason_text(category, "da").endswith("= Partshøring")


def test_predict_on_a_log_no_rule_fits_says_so_also_from_the_cache(tmp_path):
    events = "".join(f'<event><string key="concept:name" value="{activity}"/><date key="time:timestamp" '
                      f'value="2024-03-0{day}T10:00:00+01:00"/></event>' for day, activity in ((4, "a"), (5, "b")))
    traces = "".join(f'<trace><string key="concept:name" value="c{n}"/>{events}</trace>' for n in range(3))
    log = tmp_path / "plain.xes"
    log.write_text(f'<?xml version="1.0" encoding="UTF-8"?><log xes.version="1.0">{traces}</log>')
    assert run("import", log, tmp_path / "plain").exit_code == 0
    for _ in range(2):      # computed, then read back from the cache
        result = run("predict", tmp_path / "plain")
        assert result.exit_code == 0, result.output
        assert "No deadline rule fits this log" in result.output and "--rules FILE" in result.output
