"""The Model page's discovery, cancellable: mined in a child process with a progress bar and a Cancel button.

The engine's part (the plan: variants or DFG) is computed and cached like every
computation (state.computed); the mining runs in a child process per plan, and its model
is kept for every session (as map_page keeps drawings). While it runs the page shows how
long it has run and a Cancel button; Cancel, a changed input (any rerun) or the server
stopping kills the child. A cancelled or timed-out discovery is remembered for its plan,
so the page says so (and offers to start again) instead of starting it on every rerun.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict

import streamlit as st

from procmine.bounded_discovery import DISCOVERY_SECONDS, mine_bounded, mines_quickly
from procmine.discovery import DiscoveredModel, DiscoveryOptions, DiscoveryPlan, discovery_plan, run_plan
from procmine.errors import ProcmineError
from procmine.ui import state
from procmine.ui.cancellable_progress import CancellableProgress
from procmine.ui.state import t

_STOPPED_KEY = "model_discovery_stopped"   # plan key -> the message of its cancelled or timed-out run
_MINED: OrderedDict[str, DiscoveredModel] = OrderedDict()
_MINED_LOCK = threading.Lock()
_MINED_ENTRIES = 16


def plan_key(plan: DiscoveryPlan) -> str:
    """One key per plan (what is mined, not where it came from); also the key of its Cancel button."""
    digest = hashlib.sha1(pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()[:16]
    return f"discovery_cancel_{digest}"


def discovered(options: DiscoveryOptions) -> DiscoveredModel | None:
    """The model of the session's filtered log, or None (and a message) when cancelled or timed out."""
    try:
        plan = state.computed(discovery_plan, options=options)
    except ProcmineError as exc:   # nothing to mine (no cases): say why
        st.warning(str(exc))
        return None
    key = plan_key(plan)
    stopped = st.session_state.setdefault(_STOPPED_KEY, {})
    if st.session_state.get(key):   # Cancel was pressed: this run is the rerun it caused
        stopped[key] = t("discovery.cancelled")
    if key in stopped:
        st.info(stopped[key], icon=":material/cancel:")
        if st.button(t("discovery.again"), key="discovery_again"):
            del stopped[key]
            st.session_state.pop(key, None)   # the Cancel press, so that it is not read again
            st.rerun()
        return None
    progress = CancellableProgress(key, DISCOVERY_SECONDS, "discovery.cancel", "discovery.running")
    try:
        return _mined(plan, key, progress.show)
    except ProcmineError as exc:   # timed out (or the miner failed): say so once, not on every rerun
        stopped[key] = str(exc)
        st.warning(str(exc))
        return None
    finally:
        progress.clear()


def discovered_quietly(log, options: DiscoveryOptions) -> DiscoveredModel:
    """The same model for computations that need it (model quality), without progress widgets."""
    plan = state.computed(discovery_plan, log=log, options=options)
    return _mined(plan, plan_key(plan), None)


def _mined(plan: DiscoveryPlan, key: str, waiting) -> DiscoveredModel:
    with _MINED_LOCK:
        if key in _MINED:
            _MINED.move_to_end(key)
            return _MINED[key]
    model = run_plan(plan) if mines_quickly(plan) else mine_bounded(plan, waiting=waiting)
    with _MINED_LOCK:
        _MINED[key] = model
        while len(_MINED) > _MINED_ENTRIES:
            _MINED.popitem(last=False)
    return model
