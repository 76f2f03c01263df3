"""What the app writes to the audit log: sign-in, page views with their filter stack, case
drill-downs and exports (only when sign-in is configured: then the user is known)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from procmine.audit import AuditLog
from procmine.ui import auth_settings, state

_LAST_KEY = "audit_last"
_pruned: set[str] = set()
_prune_lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _store(url: str | None, schema: str | None) -> AuditLog:
    return AuditLog(url, schema=schema)


def _log() -> AuditLog:
    config = auth_settings.settings()
    store = _store(config.audit_url, config.audit_schema)
    with _prune_lock:
        if store.url not in _pruned:   # once per server process: drop what is past retention
            _pruned.add(store.url)
            store.prune(config.audit_retention_days)
    return store


def _who() -> dict | None:
    return auth_settings.identity()


def _dataset() -> str:
    path = state.dataset_path()
    return Path(path).name if path else ""


def record(action: str, *, criterion: dict | str = "", case_id: str = "", who: dict | None = None,
           dataset: str | None = None) -> None:
    """Append one record for the signed-in user; nothing without sign-in."""
    who = who or _who()
    if who is None:
        return
    _log().append(user=who["user"], role=",".join(who["roles"]), action=action,
                  dataset=_dataset() if dataset is None else dataset, criterion=criterion, case_id=case_id)


def record_once(action: str, key: str, **fields) -> None:
    """Record `action` once per session for `key` (a sign-in is one record, not one per rerun)."""
    done = st.session_state.setdefault("audit_once", set())
    if key not in done:
        record(action, **fields)
        done.add(key)


def _changed(kind: str, value: str) -> bool:
    last = st.session_state.setdefault(_LAST_KEY, {})
    if last.get(kind) == value:
        return False
    last[kind] = value
    return True


def page_view(page: str) -> None:
    """A page drawn with a filter stack (or search) not recorded just before in this session."""
    if _who() is None:
        return
    criterion = {"page": page, "filters": json.loads(state.filters_json()),
                 "search": st.session_state.get("cases_search") or ""}
    if _changed("page", json.dumps([_dataset(), criterion], sort_keys=True, default=str)):
        record("page_view", criterion=criterion)


def case_viewed(case_id: str) -> None:
    """One case's events and attributes shown (the case drill-down), with the case's person
    pseudonym when the cases have one, so `who-saw` answers a citizen's question too."""
    if _who() is not None and _changed("case", f"{_dataset()}:{case_id}"):
        criterion = {"filters": json.loads(state.filters_json())}
        person = _person_of(str(case_id))
        if person is not None:
            criterion["person"] = person
        record("case_view", case_id=str(case_id), criterion=criterion)


def _person_of(case_id: str) -> str | None:
    import pyarrow as pa
    import pyarrow.compute as pc
    chosen = auth_settings.settings().person_attribute
    cases = state.full_log().cases_table()
    present = [name for name in ((chosen,) if chosen else ("citizen", "citizen_id")) if name in cases.column_names]
    if not present:
        return None
    attribute = present[0]
    row = cases.filter(pc.equal(cases.column("case_id"), pa.scalar(case_id, cases.schema.field("case_id").type)))
    values = row.column(attribute).to_pylist() if row.num_rows else []
    return None if not values or values[0] is None else str(values[0])


def audited(maker: Callable, file_name: str) -> Callable:
    """`maker` that first records the export of `file_name` (for deferred download buttons, which
    run outside the script, so the user, dataset and stack are taken now)."""
    who = _who()
    if who is None:
        return maker
    dataset, stack = _dataset(), json.loads(state.filters_json())

    def export():
        record("export", who=who, dataset=dataset, criterion={"file": file_name, "filters": stack})
        return maker()
    return export
