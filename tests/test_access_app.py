"""AppTest with a signed-in role: no page shows a figure, row, option or file of another department,
signed-out or expired users see nothing of the data, and the audit log gets every view."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from app_testing import APP, assert_no_exception, texts
from streamlit.testing.v1 import AppTest

from procmine.audit import AuditLog
from procmine.filters import CaseAttributeFilter
from procmine.opening import open_log
from procmine.ui import state
from procmine.ui.main import PAGES

SAMPLES = Path(__file__).resolve().parents[1] / "sample_logs"
TM = "Teknik og Miljø"
OTHERS = ["Borgmesterens Afdeling", "Social og Sundhed", "Børn og Læring"]
POLICY = f"""roles:
  tm: {{departments: [{TM}], datasets: [aktindsigt, byggetilladelse]}}
  admin: {{departments: "*"}}
"""


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    folder = tmp_path_factory.mktemp("access")
    (folder / "policy.yaml").write_text(POLICY, encoding="utf-8")
    return {"policy": str(folder / "policy.yaml"), "audit": f"sqlite:///{folder / 'audit.sqlite'}"}


@pytest.fixture(scope="module")
def other_case_ids():
    cases = open_log(SAMPLES / "aktindsigt").base.cases.to_pandas()
    return set(cases.loc[cases["department"] != TM, "case_id"]), set(cases.loc[cases["department"] == TM, "case_id"])


def _app(config, page: str, roles=("tm",), exp_in: float = 3600, logged_in: bool = True) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "procmine", "client_secret": "s" * 32,
                          "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
    at.secrets["procmine"] = {"access_policy": config["policy"], "audit_url": config["audit"]}
    at.user = {"is_logged_in": logged_in, "email": "anna@kommune.dk", "preferred_username": "anna@kommune.dk",
               "roles": list(roles), "exp": int(time.time() + exp_in), "iat": int(time.time())}
    at.session_state[state.DATASET_KEY] = str(SAMPLES / "aktindsigt")
    at.session_state[state.PAGE_KEY] = page
    at.run()
    assert_no_exception(at)
    return at


def _everything_shown(at: AppTest) -> str:
    """Texts, labels, every table cell, every picture and every option of every choice."""
    parts = [texts(at)]
    parts += [d.value.to_csv() for d in at.dataframe]
    parts += [h.value for h in at.get("html")]
    parts += [str(getattr(e, "options", "")) for kind in ("selectbox", "multiselect", "radio") for e in getattr(at, kind)]
    parts += [str(e.proto) for e in at.get("arrow_vega_lite_chart")]
    return "\n".join(parts)


@pytest.mark.parametrize("page", list(PAGES))
def test_no_page_shows_another_departments_cases(config, other_case_ids, page):
    others, allowed = other_case_ids
    at = _app(config, page)
    shown = _everything_shown(at)
    for department in OTHERS:
        assert department not in shown
    seen_ids = set(re.findall(r"AKT-\d{7}", shown))
    assert not seen_ids & others
    if page == "cases":
        assert seen_ids and seen_ids <= allowed
    assert "305 of 305 cases" in shown   # the sidebar counts the allowed cases only
    assert "cannot be removed" in shown


def test_the_overview_counts_the_allowed_cases(config):
    at = _app(config, "overview")
    assert {m.label: m.value for m in at.metric}["Cases"] == "305"


def test_filters_on_another_department_find_nothing_and_the_rule_stays(config):
    at = _app(config, "variants")
    at.session_state[state.FILTERS_KEY] = [CaseAttributeFilter(attribute="department", values=(TM,), invert=True)]
    at.run()
    assert_no_exception(at)
    assert "0 of 305 cases" in texts(at)
    at.session_state[state.FILTERS_KEY] = []
    at.run()
    assert "cannot be removed" in texts(at) and "305 of 305 cases" in texts(at)
    shown = next(d.value for d in at.dataframe if d.key == "variants_table")
    assert sum(int(v.replace(",", "")) for v in shown["Cases"]) == 305   # every variant of the allowed cases


def test_datasets_outside_the_role_are_neither_listed_nor_opened(config):
    at = _app(config, "data")
    assert at.selectbox(key="data_sample").options == ["aktindsigt", "byggetilladelse"]
    at.radio(key="data_source").set_value("folder").run()
    at.text_input(key="data_folder").input(str(SAMPLES / "merudgifter")).run()
    at.button(key="data_open_folder").click().run()
    assert "does not give access to the dataset merudgifter" in texts(at)
    assert at.session_state[state.DATASET_KEY].endswith("aktindsigt")


def test_signed_out_expired_and_roleless_users_see_no_data(config):
    for at, message in ((_app(config, "cases", logged_in=False), "Sign in to procmine"),
                        (_app(config, "cases", exp_in=-5), "Your sign-in has expired"),
                        (_app(config, "cases", roles=("gæst",)), "no role that gives access")):
        shown = _everything_shown(at)
        assert message in shown
        assert not at.dataframe and not at.metric and not re.search(r"AKT-\d{7}", shown)


def test_views_and_drill_downs_are_in_the_audit_log(config, other_case_ids):
    at = _app(config, "cases")
    picked = at.selectbox(key="cases_pick").value
    records = AuditLog(config["audit"]).records()
    mine = [r for r in records if r.user == "anna@kommune.dk"]
    assert "sign_in" in [r.action for r in mine]
    assert any(r.action == "page_view" and '"page":"cases"' in r.criterion for r in mine)
    seen = AuditLog(config["audit"]).who_saw(picked)
    assert [(r.action, r.role, r.dataset) for r in seen][-1:] == [("case_view", "tm", "aktindsigt")]
    cases = open_log(SAMPLES / "aktindsigt").base.cases.to_pandas().set_index("case_id")
    citizen = cases.loc[picked, "citizen_id"]
    by_person = AuditLog(config["audit"]).who_saw(citizen)
    assert any(r.action == "case_view" and r.case_id == picked for r in by_person)
    assert AuditLog(config["audit"]).verify() is None


def test_the_rule_and_the_sign_in_texts_are_danish_too(config):
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "procmine", "client_secret": "s" * 32,
                          "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
    at.secrets["procmine"] = {"access_policy": config["policy"], "audit_url": config["audit"]}
    at.user = {"is_logged_in": True, "preferred_username": "anna@kommune.dk", "roles": ["tm"],
               "exp": int(time.time() + 3600)}
    at.session_state[state.LANG_KEY] = "da"
    at.session_state[state.DATASET_KEY] = str(SAMPLES / "aktindsigt")
    at.run()
    assert_no_exception(at)
    shown = texts(at)
    assert "Adgangsregel" in shown and f"sager med department {TM}" in shown and "Log ud" in shown
    at.user = {"is_logged_in": False}
    at.run()
    assert "Log ind i procmine" in texts(at)


def test_the_map_is_the_dfg_of_the_allowed_cases_alone(config):
    from procmine.analysis.dfg import dfg
    from procmine.formatting import format_number
    reference = open_log(SAMPLES / "aktindsigt").filter(CaseAttributeFilter(attribute="department", values=(TM,)))
    edges = dfg(reference).edges
    at = _app(config, "map")
    at.slider(key="map_paths").set_value(100).run()
    shown = next(d.value for d in at.dataframe if d.key == "map_edges_table")
    assert list(shown.iloc[:, 0]) == list(edges["source"])
    assert list(shown.iloc[:, 2]) == [format_number(v, "en") for v in edges["count"]]


def test_compare_offers_only_the_allowed_department(config):
    at = _app(config, "compare")
    at.selectbox(key="compare_attribute").set_value("department").run()
    assert_no_exception(at)
    shown = _everything_shown(at)
    assert "department" in shown and not any(d in shown for d in OTHERS)
    at.selectbox(key="compare_attribute").set_value("channel").run()
    assert_no_exception(at)
    from procmine.analysis.compare import compare
    from procmine.formatting import format_number
    first, second = (at.selectbox(key=f"compare_value_{side}_channel").value for side in "ab")
    reference = open_log(SAMPLES / "aktindsigt").filter(CaseAttributeFilter(attribute="department", values=(TM,)))
    expected = compare(*(reference.filter(CaseAttributeFilter(attribute="channel", values=(value,)))
                         for value in (first, second))).kpis.set_index("metric")
    table = next(d.value for d in at.dataframe if list(d.value.columns[:1]) == ["Figure"])
    assert table.iloc[0, 1] == format_number(expected.loc["cases", "a"], "en")
    assert table.iloc[0, 2] == format_number(expected.loc["cases", "b"], "en")
    assert not any(d in _everything_shown(at) for d in OTHERS)


def test_a_missing_policy_file_is_an_error_and_shows_no_data(config, tmp_path):
    at = _app({**config, "policy": str(tmp_path / "absent.yaml")}, "cases")
    assert "absent.yaml does not exist" in texts(at)
    assert not at.dataframe and not at.metric


def test_no_data_is_shown_when_the_audit_log_cannot_be_written(config, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the audit database's folder should be", encoding="utf-8")
    at = _app({**config, "audit": f"sqlite:///{blocked / 'audit.sqlite'}"}, "cases")
    assert "audit log" in texts(at)
    assert not at.dataframe and not at.metric


def test_benchmark_reads_no_folder_for_a_role_limited_to_some_departments(config):
    at = _app(config, "benchmark")
    assert "only to roles that may see every department" in texts(at)
    assert not [box for box in at.text_input if box.key == "benchmark_folder"]   # no folder can be named
    assert not at.dataframe


def test_benchmark_is_open_to_a_role_that_sees_everything(config):
    at = _app(config, "benchmark", roles=("admin",))
    assert "only to roles that may see every department" not in texts(at)
    at.text_input(key="benchmark_folder").set_value(str(SAMPLES)).run()
    assert_no_exception(at)
