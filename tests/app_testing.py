"""Helpers for the Streamlit AppTest tests of the app (tests/test_app_*.py)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from procmine.ui import state

APP = Path(__file__).resolve().parents[1] / "app.py"


def start_app(dataset: Path, page: str = "overview", lang: str = "en", filters: list | None = None,
              timeout: float = 120) -> AppTest:
    """The app run once on `dataset`, showing `page`, in `lang`, with a filter stack."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    at.session_state[state.DATASET_KEY] = str(dataset)
    at.session_state[state.LANG_KEY] = lang
    at.session_state[state.PAGE_KEY] = page
    at.session_state[state.FILTERS_KEY] = list(filters or [])
    at.run()
    assert_no_exception(at)
    return at


def go(at: AppTest, page: str) -> AppTest:
    """Switch to `page` (as a click in the sidebar's page list does) and run."""
    at.session_state[state.PAGE_KEY] = page
    at.run()
    assert_no_exception(at)
    return at


def assert_no_exception(at: AppTest) -> None:
    """Fail with the app's own traceback when a run raised."""
    if len(at.exception):
        problem = at.exception[0]
        raise AssertionError(f"{problem.message}\n" + "\n".join(problem.stack_trace))


def metrics(at: AppTest) -> dict[str, str]:
    """Label -> shown value of every metric card."""
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> str:
    """All markdown, captions, headers and labels of the page, as one text to search."""
    parts = [e.value for kind in ("markdown", "caption", "header", "subheader", "title", "info", "warning",
                                  "success", "error")
             for e in getattr(at, kind)]
    parts += [e.label for kind in ("button", "radio", "selectbox", "multiselect", "slider", "checkbox",
                                   "metric", "text_input", "number_input", "expander", "tab",
                                   "download_button", "date_input", "text_area", "file_uploader")
              for e in getattr(at, kind if kind != "tab" else "tabs")]
    return "\n".join(str(p) for p in parts)
