"""Session state of the app and the caches: one EventLog per dataset, one per filter stack.

Every analysis result shown is computed once per (dataset, filter stack, parameters):
moving between pages or back to an earlier filter stack costs nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from procmine import schema as s
from procmine.access import restricted_log
from procmine.dataset import read_dataset
from procmine.errors import AccessError
from procmine.eventlog import EventLog
from procmine.i18n import LANGUAGES, text
from procmine.languages import Language
from procmine.opening import open_log

LANG_KEY = "lang"
PAGE_KEY = "page"
DATASET_KEY = "dataset_path"
FILTERS_KEY = "filter_stack"
CASE_NOTION_KEY = "case_notion"   # None: the dataset's default case notion
CASE_NOTION_WIDGET = "case_notion_choice"
ACCESS_KEY = "access_rule"   # set by procmine.ui.auth on every run; never a widget's key
DATASET_ENV = "PROCMINE_APP_DATASET"
SAMPLES_ENV = "PROCMINE_SAMPLES"
LANG_ENV = "PROCMINE_APP_LANG"


def init_session() -> None:
    """Fill the session's defaults once: language, the filter stack and the starting dataset."""
    state = st.session_state
    init_language()
    state.setdefault(FILTERS_KEY, [])
    if DATASET_KEY not in state or (state[DATASET_KEY] and not allows_dataset(Path(state[DATASET_KEY]))):
        state[DATASET_KEY] = _starting_dataset()   # first run, or a dataset the user's role may not see
    elif state[DATASET_KEY] and not (Path(state[DATASET_KEY]) / s.META_FILE).is_file():
        state[DATASET_KEY] = None   # the folder was deleted meanwhile: choose another on the data page


def init_language() -> None:
    """The session's language, once: PROCMINE_APP_LANG or English."""
    if LANG_KEY not in st.session_state:
        wanted = os.environ.get(LANG_ENV, "en")
        st.session_state[LANG_KEY] = wanted if wanted in LANGUAGES else "en"


_last_language: dict[str, Language] = {"lang": "en"}


def lang() -> Language:
    """The language the user chose.

    Outside a script run (AppTest formats widget values in its own thread) the
    language of the last run is used, so option labels match what was drawn.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    if get_script_run_ctx(suppress_warning=True) is None:
        return _last_language["lang"]
    chosen: Language = "da" if st.session_state.get(LANG_KEY) == "da" else "en"
    _last_language["lang"] = chosen
    return chosen


def t(key: str, **values: object) -> str:
    """The text `key` in the user's language."""
    return text(key, lang(), **values)


def samples_dir() -> Path:
    """The folder of bundled sample datasets (PROCMINE_SAMPLES overrides it)."""
    configured = os.environ.get(SAMPLES_ENV)
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "sample_logs"


def sample_datasets() -> dict[str, Path]:
    """Bundled sample datasets by name: every folder under samples_dir() holding a procmine.json."""
    folder = samples_dir()
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.iterdir())
            if (p / s.META_FILE).is_file() and allows_dataset(p)}


def _starting_dataset() -> str | None:
    configured = os.environ.get(DATASET_ENV)
    if configured and allows_dataset(Path(configured)):
        return str(Path(configured).resolve())
    samples = sample_datasets()
    return str(next(iter(samples.values()))) if samples else None


def dataset_path() -> str | None:
    """The path of the dataset the app shows, or None before one is chosen."""
    return st.session_state.get(DATASET_KEY)


def chosen_path() -> str:
    """The path of the dataset the app shows; only called where one is chosen (the pages that
    read the log are drawn only then), so a None here is a bug."""
    path = dataset_path()
    if path is None:
        raise RuntimeError("no dataset is chosen: the log is read only after one is")
    return path


def set_dataset(path: str | os.PathLike) -> None:
    """Show another dataset; the filter stack is cleared since its values belong to the old one.

    The dataset is read first (and cached): when it cannot be read, the ProcmineError
    propagates and the dataset shown so far stays.
    """
    path = str(Path(path).expanduser().resolve())
    if not allows_dataset(Path(path)):
        raise AccessError(text("auth.dataset_refused", lang(), name=Path(path).name))
    if not (Path(path) / s.META_FILE).is_file():
        read_dataset(path)  # raises the DatasetError that says what is missing
    _base_log(path, _stamp(path), None, _access_json(), access_rule())
    st.session_state[DATASET_KEY] = path
    st.session_state[FILTERS_KEY] = []
    st.session_state[CASE_NOTION_KEY] = None
    st.session_state.pop(CASE_NOTION_WIDGET, None)      # the box showed the old dataset's choice


def announce(message: str) -> None:
    """Keep a success message to show after the next rerun."""
    st.session_state.setdefault("announcements", []).append(message)


def announcements() -> list[str]:
    """The messages kept by `announce`, once."""
    return st.session_state.pop("announcements", [])


def _stamp(path: str) -> float:
    """When the dataset was last written, so a rewritten dataset is read again."""
    return (Path(path) / s.META_FILE).stat().st_mtime


def access_rule():
    """The session's AccessFilter (from the signed-in user's roles), or None when all may be seen."""
    return st.session_state.get(ACCESS_KEY)


def allows_dataset(path: Path) -> bool:
    """True when the session's access rule lets it open the dataset folder `path`."""
    rule = access_rule()
    return rule is None or rule.allows_dataset(Path(path).name)


def _access_json() -> str:
    """The access rule as canonical JSON: part of the cache key of everything computed,
    so no result computed for one role is ever served to another."""
    rule = access_rule()
    return "" if rule is None else json.dumps(rule.to_dict(), sort_keys=True, ensure_ascii=False)


@st.cache_resource(max_entries=4, show_spinner=False)
def _base_log(path: str, stamp: float, case_notion: str | None, access_json: str, _access) -> EventLog:
    log = open_log(path, case_notion=case_notion)
    return log if _access is None else restricted_log(log, _access)


_WORDED_WIDGETS: set[str] = set()   # keys of widgets whose option labels are in the user's language


_NO_DEFAULT = object()


def worded(key: str, default=_NO_DEFAULT, options: Sequence | None = None) -> str:
    """`key`, noted as the key of a choice widget whose option labels are in the user's language.

    Such a widget keeps its choice across a language switch (see language_switched):
    st.radio(t("map.metric"), METRICS, key=state.worded("map_metric"), format_func=...).
    An option None only as the first: Streamlit sends None to the browser as no choice,
    which comes back as the widget's first option. A widget's first choice other than its
    first option is `default` (the option itself, a list for a multiselect), put in the
    session state here, never the widget's own default=/index=: Streamlit warns of a widget
    created with a default whose value language_switched set. With `options` (when they can
    change under the same key: another sheet, another case notion), a kept choice that is no
    longer among them is replaced by `default` too.
    """
    _WORDED_WIDGETS.add(key)
    if default is not _NO_DEFAULT and (key not in st.session_state or not _among(st.session_state[key], options)):
        st.session_state[key] = default
    return key


def _among(value, options: Sequence | None) -> bool:
    """Whether a widget's value (a list for a multiselect) is still among its options (None: not known)."""
    if options is None:
        return True
    return all(v in options for v in value) if isinstance(value, list) else value in options


def language_switched() -> None:
    """The language radio's on_change: every worded widget keeps its choice in the new language.

    Streamlit 1.67 sends a select box's, radio's, multiselect's or segmented control's value
    as its label, and the browser keeps the label it showed. After a switch to Danish the
    next run would get the English label, which is no option: the widget fell back to its
    first option (the page list to Data) or, the case-notion box, took the label for a
    notion. Set again here, while the old labels still read, each widget is sent to the
    browser with its label in the new language.
    """
    for key in _WORDED_WIDGETS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def case_notion() -> str | None:
    """The case notion chosen in the app (None: the dataset's default)."""
    return st.session_state.get(CASE_NOTION_KEY)


def _view_key(path: str) -> str:
    """The cache key of the dataset as the app sees it: its path and the case notion."""
    return path if case_notion() is None else f"{path}#{case_notion()}"


def full_log() -> EventLog:
    """The chosen dataset without the user's filters (read once per dataset and case notion), already
    cut down to the session's access rule: every view, table and download of the app starts from here."""
    path = chosen_path()
    return _base_log(path, _stamp(path), case_notion(), _access_json(), access_rule())


def filters() -> list:
    """The filter stack of the session (Filter objects, applied in order)."""
    return list(st.session_state.get(FILTERS_KEY, []))


def set_filters(stack: list) -> None:
    """Replace the filter stack."""
    st.session_state[FILTERS_KEY] = list(stack)


def add_filter(new_filter) -> None:
    """Put a filter on top of the stack (used by clicks on other pages)."""
    set_filters(filters() + [new_filter])


def filters_json(stack: list | None = None) -> str:
    """The stack as canonical JSON: the cache key of everything computed over it."""
    data = [f.to_dict() for f in (filters() if stack is None else stack)]
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


# Bounded so a server with many sessions on a large log keeps its memory in check
# (a filtered view of 1M events holds about 30 MB of arrays).
@st.cache_resource(max_entries=8, show_spinner=False)
def _filtered_log(path: str, stamp: float, notion: str | None, access_json: str, stack_json: str, _access,
                  _stack: tuple) -> EventLog:
    return _base_log(path, stamp, notion, access_json, _access).filter(*_stack)


def filtered_log(stack: list | None = None) -> EventLog:
    """The chosen dataset seen through the filter stack (or through `stack`)."""
    stack = filters() if stack is None else stack
    if not stack:
        return full_log()
    path = chosen_path()
    return _filtered_log(path, _stamp(path), case_notion(), _access_json(), filters_json(stack), access_rule(),
                         tuple(stack))


@st.cache_resource(max_entries=96, show_spinner=False)
def _computed(name: str, path: str, stamp: float, access_json: str, stack_json: str, params_key: str,
              _fn: Callable, _log: EventLog, _params: dict) -> Any:
    return _fn(_log, **_params)


def computed(fn: Callable, log: EventLog | None = None, stack: list | None = None, **params) -> Any:
    """`fn(log, **params)`, computed once per dataset, filter stack and parameters.

    `log` defaults to the filtered log of `stack` (default: the session's stack).
    """
    stack = filters() if stack is None else stack
    if log is None:
        log = filtered_log(stack)
    path = chosen_path()
    name = f"{fn.__module__}.{fn.__qualname__}"
    params_key = json.dumps(params, sort_keys=True, default=repr)
    return _computed(name, _view_key(path), _stamp(path), _access_json(), filters_json(list(log.filters)), params_key,
                     fn, log, params)


@st.cache_resource(max_entries=16, show_spinner=False)
def _computed_pair(name: str, path: str, stamp: float, access_json: str, first_json: str, second_json: str,
                   params_key: str,
                   _fn: Callable, _first: EventLog, _second: EventLog, _params: dict) -> Any:
    return _fn(_first, _second, **_params)


def computed_pair(fn: Callable, first: list, second: list, **params) -> Any:
    """`fn(log_first, log_second, **params)` over two filter stacks, computed once per pair."""
    path = chosen_path()
    name = f"{fn.__module__}.{fn.__qualname__}"
    params_key = json.dumps(params, sort_keys=True, default=repr)
    return _computed_pair(name, _view_key(path), _stamp(path), _access_json(), filters_json(first), filters_json(second),
                          params_key,
                          fn, filtered_log(first), filtered_log(second), params)


MAX_CHOICES = 500


@st.cache_resource(max_entries=64, show_spinner=False)
def _distinct_values(path: str, stamp: float, notion: str | None, access_json: str, table: str, column: str,
                     _access) -> tuple[list, int]:
    import pyarrow.compute as pc
    source = _base_log(path, stamp, notion, access_json, _access)
    values = (source.cases_table() if table == "cases" else source.events_table()).column(column)
    values = pc.unique(values.combine_chunks() if hasattr(values, "combine_chunks") else values)
    if hasattr(values.type, "value_type"):  # dictionary-encoded
        values = values.cast(values.type.value_type)
    present = values.drop_null()
    return sorted(present.slice(0, MAX_CHOICES).to_pylist(), key=str), len(present)


def distinct_values(table: str, column: str) -> tuple[list, int]:
    """Up to MAX_CHOICES values of a column of the dataset's "cases" or "events" (sorted), and how many there are."""
    path = chosen_path()
    return _distinct_values(path, _stamp(path), case_notion(), _access_json(), table, column, access_rule())


def log_with_notion(notion: str | None) -> EventLog:
    """The chosen dataset without filters, seen with `notion` (cached like full_log)."""
    path = chosen_path()
    return _base_log(path, _stamp(path), notion, _access_json(), access_rule())
