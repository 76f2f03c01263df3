"""A progress bar and a Cancel button while a bounded child process works (procmine.bounded_child)."""

from __future__ import annotations

import streamlit as st

from procmine.formatting import format_count
from procmine.ui.state import lang, t

SHOWN_AFTER_SECONDS = 0.4   # quicker work shows nothing


class CancellableProgress:
    """Shown inside a script run only, after a moment; `clear()` removes it.

    Pressing Cancel reruns the script, which raises out of the wait and so kills the child.
    `live` is False outside a script run (a CLI or test call), where no widget can be drawn.
    """

    def __init__(self, key: str, limit_seconds: float, cancel_text: str, running_text: str):
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        self.key, self.limit = key, limit_seconds
        self.cancel_text, self.running_text = cancel_text, running_text
        self.live = get_script_run_ctx(suppress_warning=True) is not None
        self.slots: list = []

    def show(self, elapsed: float) -> None:
        """The bar at the share of the time limit used so far (for work whose steps are not known)."""
        self.update(elapsed, min(1.0, elapsed / self.limit), seconds=format_count(elapsed, lang()),
                    limit=format_count(self.limit, lang()))

    def update(self, elapsed: float, fraction: float, **words: str) -> None:
        """The bar at `fraction`, its text `running_text` filled with `words`; nothing in the first moment."""
        if elapsed < SHOWN_AFTER_SECONDS or not self.live:
            return
        if not self.slots:
            self.slots = [st.empty(), st.empty()]
            self.slots[1].button(t(self.cancel_text), key=self.key, icon=":material/cancel:")
        self.slots[0].progress(fraction, text=t(self.running_text, **words))

    def clear(self) -> None:
        for slot in self.slots:
            slot.empty()
