"""The ground floor of every face's words: one catalogue in both languages, one language list, no upward imports."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from procmine import i18n, languages
from procmine.errors import ConfigError
from procmine.workcalendar import WorkCalendar

PACKAGE = Path(i18n.__file__).parent
# The ground floor: languages, the words catalogue, units and the formats, on errors and schema.
GROUND_FLOOR = {"procmine.errors", "procmine.schema", "procmine.languages", "procmine.i18n", "procmine.result_tables",
                "procmine.units", "procmine.formatting", "procmine.table_format"}
UPPER_FLOORS = ("procmine.render", "procmine.ui", "procmine.report", "procmine.cli")


def _procmine_imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE.parent / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):   # also imports inside functions
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "procmine":
                found |= {f"procmine.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("procmine.")}   # `from procmine import x` counts as x


@pytest.mark.parametrize("module", sorted(GROUND_FLOOR))
def test_the_ground_floor_imports_nothing_above_it(module):
    imported = _procmine_imports(module)
    assert not [name for name in imported if name.startswith(UPPER_FLOORS)]
    assert imported <= GROUND_FLOOR, f"{module} imports {sorted(imported - GROUND_FLOOR)} from above the ground floor"


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_every_text_exists_in_every_language_with_the_same_placeholders():
    texts = i18n.all_texts()
    assert len(texts) > 500
    for key, translations in texts.items():
        assert set(translations) >= set(languages.LANGUAGES), key
        assert all(isinstance(translations[lang], str) and translations[lang].strip()
                   for lang in languages.LANGUAGES), key
        shapes = {lang: _placeholders(translations[lang]) for lang in languages.LANGUAGES}
        assert shapes["en"] == shapes["da"], f"{key}: placeholders differ {shapes}"


def test_every_key_the_code_names_is_in_the_catalogue():
    named = set()
    for path in PACKAGE.rglob("*.py"):
        if "report" not in path.parts:   # the report's Words.t adds "report." to its keys
            named |= set(re.findall(r"\b(?:text|t)\(\"([a-z_]+\.[a-z0-9_.]+)\"", path.read_text(encoding="utf-8")))
    assert len(named) > 300
    assert sorted(named - set(i18n.all_texts())) == []


def test_one_language_list():
    offenders = [path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
                 if re.search(r"^LANGUAGES\b\s*[:=]", path.read_text(encoding="utf-8"), re.MULTILINE)]
    assert offenders == ["languages.py"]
    assert i18n.LANGUAGES is languages.LANGUAGES


def test_the_calendar_names_have_one_entry_a_month_and_a_weekday():
    for lang in languages.LANGUAGES:
        for long in (False, True):
            months = [languages.month_name(m, lang, long=long) for m in range(1, 13)]
            weekdays = [languages.weekday_name(d, lang, long=long) for d in range(7)]
            assert len(set(months)) == 12 and len(set(weekdays)) == 7
    assert languages.month_name(10, "da") == "okt." and languages.month_name(5, "en", long=True) == "May"
    assert languages.weekday_name(1, "da", long=True) == "tirsdag"


def test_an_unknown_language_is_refused_with_the_choices():
    with pytest.raises(ConfigError, match="use one of en, da"):
        languages.month_name(1, "de")
    with pytest.raises(ConfigError, match="use one of en, da"):
        i18n.text("kpi.cases", "sv")


def test_the_work_calendar_names_its_days_and_months_from_the_one_table():
    calendar = WorkCalendar(extra_closed=("06-05", "2026-12-24"))
    assert "5. juni" in calendar.describe("da") and "24. december 2026" in calendar.describe("da")
    assert "5 June" in calendar.describe("en") and "man–tors" in calendar.describe("da")
    assert "Mon–Thu" in calendar.describe("en")
