"""Upload a log file: mapping step for CSV/Excel, import with progress, switch to the new dataset.

A failed import shows the ProcmineError on the page and leaves the open dataset as it was.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

import streamlit as st

from procmine import schema as s
from procmine.errors import ProcmineError
from procmine.formatting import format_count, format_number
from procmine.importing import detect_format, read_log, write_raw_log
from procmine.importing.bounded_import import import_bounded, imports_quickly
from procmine.importing.options import ImportOptions
from procmine.importing.preview import ROLES, preview_log
from procmine.ui import state
from procmine.ui.cancellable_progress import CancellableProgress
from procmine.ui.state import t
from procmine.ui.upload_store import private_folders, session_folder, write_private

UPLOAD_TYPES = ["csv", "txt", "tsv", "gz", "xlsx", "xlsm", "xes", "parquet", "pq"]
OPTIONAL_ROLES = ("start_timestamp", "resource")


def work_dir() -> Path:
    """Where this session's uploaded files and the datasets imported from them are kept (private, 0700)."""
    return session_folder()


def render_upload() -> None:
    """The file uploader, then the mapping step (CSV/Excel) and the import button."""
    uploaded = st.file_uploader(t("data.upload"), type=UPLOAD_TYPES, key="data_upload")
    if uploaded is None:
        return
    content = uploaded.getvalue()
    digest = hashlib.sha256(content).hexdigest()[:20]
    path = work_dir() / "uploads" / digest / Path(uploaded.name).name
    if not path.exists():
        write_private(path, content)
    try:
        kind = detect_format(path)
        options = _mapping_step(path, kind) if kind in ("csv", "xlsx") else ImportOptions(format=kind)
    except ProcmineError as exc:
        _failed(exc)
        return
    if st.session_state.get(_cancel_key(digest)):   # Cancel was pressed: this run is the rerun it caused
        st.info(t("data.import_cancelled"), icon=":material/cancel:")
    if options is not None and st.button(t("data.import"), key="data_import", type="primary"):
        import_upload(path, options, digest)


# The option "no column has this role": a string, as None would be sent to the browser as no choice,
# which reads back as the guessed column; no CSV or Excel header holds a NUL character.
NO_COLUMN = "\0none"


def _mapping_step(path: Path, kind: str) -> ImportOptions | None:
    sheet = None
    preview = preview_log(path, kind)
    if preview.sheets and len(preview.sheets) > 1:
        sheet = st.selectbox(t("data.sheet"), preview.sheets, key="data_sheet")
        preview = preview_log(path, kind, sheet=sheet)
    st.caption(t("data.preview", name=path.name))
    st.dataframe(preview.rows.to_pandas(), hide_index=True, key="data_preview", height=240)
    st.markdown(f"**{t('data.mapping')}** · {t('data.mapping_help')}")
    choices = [NO_COLUMN, *preview.columns]
    chosen: dict[str, str | None] = {}
    columns = st.columns(len(ROLES))
    for column, role in zip(columns, ROLES):
        guess = preview.guessed.get(role)
        options = choices if role in OPTIONAL_ROLES or guess is None else list(preview.columns)
        picked = column.selectbox(t(f"data.role.{role}"), options,
                                  key=state.worded(f"data_role_{role}_{path.parent.name}",
                                                   guess if guess in options else options[0], options),
                                  format_func=lambda name: t("data.none") if name == NO_COLUMN else name)
        chosen[role] = None if picked == NO_COLUMN else picked
    return ImportOptions(case_id=chosen[s.CASE_ID], activity=chosen[s.ACTIVITY], timestamp=chosen[s.TIMESTAMP],
                         start_timestamp=chosen[s.START_TIMESTAMP], resource=chosen[s.RESOURCE],
                         format=kind, sheet=sheet)


def import_upload(path: Path, options: ImportOptions, digest: str) -> None:
    """Read, check and write the uploaded log as a dataset, then show it; progress, and Cancel on large files."""
    settings = hashlib.sha256(json.dumps(asdict(options), sort_keys=True).encode()).hexdigest()[:8]
    target = work_dir() / "datasets" / f"{Path(path.name).stem.split('.')[0]}-{digest[:8]}-{settings}"
    private_folders(target.parent)
    source = {"path": path.name, "format": options.format}
    try:
        if imports_quickly(path):
            dataset = _imported_here(path, target, options, source)
        else:
            dataset = _imported_in_child(path, target, options, source, digest)
        state.set_dataset(dataset.path)
    except ProcmineError as exc:
        _failed(exc)
        return
    state.announce(t("data.imported", name=path.name,
                     events=format_number(dataset.events.num_rows, state.lang())))
    st.rerun()   # so the sidebar's filter stack and case count belong to the new dataset


def _imported_here(path: Path, target: Path, options: ImportOptions, source: dict):
    """A small file, imported in this process in a moment: a bar in three steps, no Cancel."""
    progress = st.progress(0.0, text=t("data.step.read"))
    try:
        raw = read_log(path, options)
        progress.progress(0.4, text=t("data.step.write"))
        dataset = write_raw_log(raw, target, options, source)
        progress.progress(0.8, text=t("data.step.open"))
        return dataset
    finally:
        progress.empty()


_STEP_SHARE = {"start": 0.05, "read": 0.15, "write": 0.6}


def _imported_in_child(path: Path, target: Path, options: ImportOptions, source: dict, digest: str):
    """A large file, imported in a child process: the step it is at, the seconds, and a Cancel button."""
    progress = CancellableProgress(_cancel_key(digest), 0.0, "data.import_cancel", "data.import_running")

    def waiting(elapsed: float, step: str) -> None:
        progress.update(elapsed, _STEP_SHARE[step], step=t(f"data.step.{step}"),
                        seconds=format_count(elapsed, state.lang()))

    try:
        return import_bounded(path, target, options, source, waiting=waiting if progress.live else None)
    finally:
        progress.clear()


def _cancel_key(digest: str) -> str:
    return f"data_import_cancel_{digest}"


def _failed(exc: ProcmineError) -> None:
    st.error(str(exc))
    if state.dataset_path():
        st.caption(t("data.kept_previous"))
