"""The period forms on a log with no events (a role's access rule may leave none): a message, not a crash."""

import pytest

from procmine.errors import FilterError
from procmine.ui import filter_forms, state


class _NoEvents:
    def time_span(self):
        return None


def test_timeframe_form_says_the_log_has_no_events(monkeypatch):
    monkeypatch.setattr(state, "full_log", lambda: _NoEvents())
    with pytest.raises(FilterError, match="no events"):
        filter_forms._timeframe("timeframe")
