"""Access rules in the engine: the restricted log holds nothing of another department, and every
analysis on it equals the same analysis on the allowed cases alone (differential)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procmine import schema as s
from procmine.access import AccessPolicy, load_policy, restricted_log
from procmine.analysis.compare import compare, compare_by
from procmine.analysis.dfg import dfg
from procmine.analysis.throughput import throughput
from procmine.analysis.variants import variants
from procmine.errors import ConfigError, FilterError
from procmine.filters import CaseAttributeFilter, VariantsFilter
from procmine.opening import open_log

SAMPLES = Path(__file__).resolve().parents[1] / "sample_logs"
TM = "Teknik og Miljø"
DEPARTMENTS = ["Borgmesterens Afdeling", TM, "Social og Sundhed", "Børn og Læring"]
POLICY = AccessPolicy.model_validate({"roles": {
    "tm": {"departments": [TM], "datasets": ["aktindsigt", "byggetilladelse"]},
    "bma": {"departments": ["Borgmesterens Afdeling"], "case_types": ["aktindsigt"]},
    "admin": {"departments": "*"}}})


@pytest.fixture(scope="module")
def full():
    return open_log(SAMPLES / "aktindsigt")


@pytest.fixture(scope="module")
def tm(full):
    return restricted_log(full, POLICY.filter_for(["tm"]))


@pytest.fixture(scope="module")
def tm_reference(full):
    """The allowed cases, selected by an ordinary case-attribute filter (the reference)."""
    return full.filter(CaseAttributeFilter(attribute="department", values=(TM,)))


def test_the_restricted_log_holds_only_the_allowed_department(tm, full):
    assert tm.num_cases == 305 < full.num_cases
    assert set(tm.cases_table().column("department").to_pylist()) == {TM}
    assert set(tm.base.cases.column("department").to_pylist()) == {TM}
    allowed = set(tm.base.cases.column(s.CASE_ID).to_pylist())
    assert set(tm.base.events.column(s.CASE_ID).to_pylist()) == allowed
    assert tm.unfiltered().num_cases == 305
    with tm.sql() as con:
        assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 305
        assert con.execute("SELECT count(*) FROM dataset_cases WHERE department <> ?", [TM]).fetchone()[0] == 0
    assert tm.base.access == POLICY.filter_for(["tm"])


def test_no_user_filter_reaches_past_the_rule(tm):
    inverted = tm.filter(CaseAttributeFilter(attribute="department", values=(TM,), invert=True))
    assert inverted.num_cases == 0
    others = tm.filter(CaseAttributeFilter(attribute="department", values=tuple(DEPARTMENTS[:1])))
    assert others.num_cases == 0


def test_variants_map_throughput_and_compare_equal_the_allowed_cases_alone(tm, tm_reference):
    a, b = variants(tm), variants(tm_reference)
    assert a.num_cases == b.num_cases == 305
    assert np.array_equal(a.cases, b.cases) and np.array_equal(a.codes, b.codes)
    pd.testing.assert_frame_equal(dfg(tm).edges, dfg(tm_reference).edges)
    pd.testing.assert_frame_equal(dfg(tm).activities, dfg(tm_reference).activities)
    assert set(throughput(tm).cases[s.CASE_ID]) == set(throughput(tm_reference).cases[s.CASE_ID])
    top = VariantsFilter(top=3)
    pd.testing.assert_frame_equal(compare(tm, tm.filter(top)).kpis, compare(tm_reference, tm_reference.filter(top)).kpis)


def test_compare_by_department_sees_one_department(tm):
    with pytest.raises(FilterError, match="1 value"):   # one department is left: never another's
        compare_by(tm, "department")


def test_grants_of_several_roles_add_up_and_case_types_narrow(full):
    both = restricted_log(full, POLICY.filter_for(["tm", "bma"]))
    assert set(both.base.cases.column("department").to_pylist()) == {TM, "Borgmesterens Afdeling"}
    assert both.num_cases == 305 + 232
    assert restricted_log(full, POLICY.filter_for(["admin"])).num_cases == full.num_cases
    nobody = restricted_log(full, POLICY.filter_for(["unknown-role"]))
    assert nobody.num_cases == 0 and nobody.base.events.num_rows == 0


def test_a_log_without_the_department_attribute_shows_nothing(full):
    renamed = AccessPolicy.model_validate({"department_attribute": "afdeling",
                                           "roles": {"tm": {"departments": [TM]}}})
    assert restricted_log(full, renamed.filter_for(["tm"])).num_cases == 0


def test_datasets_of_a_grant():
    rule = POLICY.filter_for(["tm"])
    assert rule.allows_dataset("aktindsigt") and not rule.allows_dataset("merudgifter")
    assert POLICY.filter_for(["bma"]).allows_dataset("merudgifter")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.sampled_from(DEPARTMENTS), min_size=1, unique=True), max_size=3))
def test_the_rule_by_numpy_equals_the_rule_by_sql(full, department_lists):
    policy = AccessPolicy.model_validate({"roles": {f"r{i}": {"departments": d}
                                                    for i, d in enumerate(department_lists)}})
    rule = policy.filter_for([f"r{i}" for i in range(len(department_lists))])
    fast = full.filter(rule).case_mask
    by_sql = full.filter_sql(rule).case_mask
    assert np.array_equal(fast, by_sql)
    wanted = {d for ds in department_lists for d in ds}
    departments = np.array(full.base.cases.column("department").to_pylist())
    assert np.array_equal(fast, np.isin(departments, list(wanted)))


def test_a_policy_file_is_checked(tmp_path):
    good = tmp_path / "policy.yaml"
    good.write_text("roles:\n  tm:\n    departments: [Teknik og Miljø]\n", encoding="utf-8")
    assert load_policy(good).roles["tm"].departments == (TM,)
    missing = tmp_path / "missing.yaml"
    missing.write_text("roles:\n  tm:\n    case_types: [aktindsigt]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"roles\.tm\.departments"):
        load_policy(missing)
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("roles:\n  tm:\n    departments: '*'\n    afdelinger: [x]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"roles\.tm\.afdelinger"):
        load_policy(unknown)
    with pytest.raises(ConfigError, match="cannot be read"):
        load_policy(tmp_path / "absent.yaml")


def test_an_access_rule_cannot_be_inverted():
    from procmine.access import AccessFilter
    with pytest.raises(FilterError, match="inverted"):
        AccessFilter(roles=(), grants=(), invert=True)


def test_the_rule_is_no_user_filter_kind():
    from procmine.errors import FilterError
    from procmine.filters import REGISTRY, filter_from_dict
    rule = POLICY.filter_for(["tm"])
    assert "access" not in REGISTRY
    with pytest.raises(FilterError):
        filter_from_dict(rule.to_dict())
