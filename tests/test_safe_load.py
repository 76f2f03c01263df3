"""procmine.safe_load: the one YAML/JSON reader of filter files, report configs and connector configs."""

from __future__ import annotations

import codecs
import json

import pytest
import yaml
from hostile_corpus import alias_bomb
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.config import load_config as load_connector_config
from procmine.analysis.deadlines import load_rules
from procmine.errors import ConfigError, FilterError
from procmine.filters import EndpointsFilter, load_filters, save_filters
from procmine.report import load_config as load_report_config
from procmine.safe_load import MAX_VALUES, load_json_text, load_yaml, load_yaml_text


def test_an_alias_bomb_is_refused_before_it_is_built():
    with pytest.raises(ConfigError, match=f"more than {MAX_VALUES:,} values.*alias bomb"):
        load_yaml_text(alias_bomb(), "bomb.yaml")


def test_a_modest_alias_and_merge_keys_still_work():
    text = "defaults: &d {lang: da, period: month}\nreports:\n  - {<<: *d, dataset: a}\n  - {<<: *d, lang: en}\n"
    data = load_yaml_text(text, "report.yaml")
    assert data["reports"] == [{"lang": "da", "period": "month", "dataset": "a"},
                               {"lang": "en", "period": "month"}]


@pytest.mark.parametrize("text, says", [
    ("a: &a [*a]\n", "refers to itself"),
    ("a: 1\nb: 2\na: 3\n", "key 'a' twice"),
    ("a: 2024-13-01\n", "line 1, column 4"),
    ("a: .inf\n", "not finite"),
    ("a: -.inf\n", "not finite"),
    ("a: .nan\n", "not finite"),
    ("a: 123456789012345678901234567890\n", "64 bits"),
    ("a: [1, 2\n", "line 2"),
    ("a: !!python/object/apply:os.system [ls]\n", "constructor"),
    ("[" * 5000 + "]" * 5000, "nesting depth"),
])
def test_bad_yaml_says_what_and_where(text, says):
    with pytest.raises(ConfigError, match="f.yaml") as caught:
        load_yaml_text(text, "f.yaml")
    assert says in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("text, says", [
    ('{"a": NaN}', "NaN"), ('{"a": Infinity}', "Infinity"), ('{"a": 1e400}', "not finite"),
    ('{"a": 123456789012345678901234567890}', "64 bits"), ("[" * 100_000, "nested"),
    ('{"a": 1,}', "line 1, column 9"),
])
def test_bad_json_says_what_and_where(text, says):
    with pytest.raises(FilterError, match="f.json") as caught:
        load_json_text(text, "f.json", error=FilterError)
    assert says in str(caught.value)


def test_encodings(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes("a: Høring\nb: Ændring\n".encode())
    assert load_yaml(path, "filter file") == {"a": "Høring", "b": "Ændring"}
    path.write_bytes(codecs.BOM_UTF8 + "a: Høring\n".encode())
    assert load_yaml(path, "filter file") == {"a": "Høring"}
    path.write_bytes("a: Høring\n".encode("utf-16"))   # with its BOM
    assert load_yaml(path, "filter file") == {"a": "Høring"}
    path.write_bytes("a: ok\nb: Høring\n".encode("cp1252"))
    with pytest.raises(ConfigError, match=r"byte 0xF8 at line 2, column 5.*UTF-8"):
        load_yaml(path, "filter file")


def test_size_limit(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: [" + b"1, " * (1 << 20) + b"1]\n")
    with pytest.raises(ConfigError, match="larger than 2 MiB"):
        load_yaml(path, "filter file")


def test_filter_files_report_configs_connector_configs_and_deadlines_all_use_it(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb() + "reports: [*a9]\nrules: *a9\nurl: *a9\n", encoding="utf-8")
    for load, error in ((load_filters, FilterError), (load_report_config, ConfigError),
                        (load_connector_config, ConfigError), (load_rules, ConfigError)):
        with pytest.raises(error, match="alias bomb"):
            load(bomb)


def test_saved_filter_yaml_has_no_aliases(tmp_path):
    shared = ["Ansøgning modtaget"]
    stack = [EndpointsFilter(start=shared), EndpointsFilter(start=shared, invert=True)]
    save_filters(stack, tmp_path / "stack.yaml")
    text = (tmp_path / "stack.yaml").read_text(encoding="utf-8")
    assert "&" not in text and "*" not in text
    assert load_filters(tmp_path / "stack.yaml") == stack


TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20)   # PyYAML mangles NEL etc.
PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(1 << 63), max_value=(1 << 63) - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(TEXT, children, max_size=5),
    max_leaves=30)


@given(PLAIN)
@settings(max_examples=200, deadline=None)
def test_plain_data_reads_back_as_written(data):
    assert load_yaml_text(yaml.safe_dump(data, allow_unicode=True), "x.yaml") == data
    assert load_json_text(json.dumps(data), "x.json") == data
