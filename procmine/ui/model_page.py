"""Model page: discover a model (miner, noise), show its whole BPMN (fitted, zoomable), how well it fits
the current log, and its files; check a reference BPMN.

The page is a row of tabs (TABS); another view of models adds one entry there.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import streamlit as st

from procmine.analysis.variants import variants
from procmine.bpmn_model import GATEWAYS
from procmine.conformance import check_conformance, read_model
from procmine.conformance.models import PetriModel
from procmine.discovery import DiscoveryOptions, Miner
from procmine.errors import ProcmineError
from procmine.formatting import format_number, format_percent
from procmine.render.bpmn_export import bpmn_xml
from procmine.render.model_files import bpmn_picture_dot, write_model
from procmine.result_tables import CONFORMANCE
from procmine.ui import downloads, state, upload
from procmine.ui.dcr_tab import render_dcr_tab
from procmine.ui.map_page import rendered, show_svg
from procmine.ui.model_discovery import discovered, discovered_quietly
from procmine.ui.state import t

MINERS: tuple[Miner, ...] = ("inductive", "heuristics")
# Up to this many variants fitness and precision are measured as the page opens (a few seconds);
# above, alignments can take minutes (BPIC15_1: 1,170 variants, 20 s), so a button starts them.
QUALITY_AUTO_VARIANTS = 300


def render() -> None:
    """Draw the model page: one tab per entry of TABS."""
    st.header(t("page.model"))
    for tab, (_, draw) in zip(st.tabs([t(label) for label, _ in TABS]), TABS):
        with tab:
            draw()


def _discovery() -> None:
    left, right = st.columns(2)
    miner = left.radio(t("model.miner"), MINERS, key=state.worded("model_miner"), horizontal=True,
                       format_func=lambda m: t(f"model.miner.{m}"))
    noise = right.slider(t("model.noise"), 0, 100, 20, 5, format="%d %%", key="model_noise",
                         help=t("model.noise_help")) / 100   # a share, shown as a percentage
    model = discovered(DiscoveryOptions(miner=miner, noise=noise))
    if model is None:   # cancelled or timed out: the page has said so
        return
    st.caption(t("maps.model_size", tasks=format_number(len(model.bpmn.of_kind("task")), state.lang()),
                 gateways=format_number(len(model.bpmn.of_kind(*GATEWAYS)), state.lang())))
    try:
        source = bpmn_picture_dot(model.bpmn)
        picture = rendered(source, "svg", "nop2")
    except ProcmineError as exc:   # a model too big to lay out: say so, keep its Petri net file
        st.warning(str(exc))
        source = None
    if source is not None:
        show_svg(picture, key="model_bpmn", max_height="70vh", opening="fit")
    _quality(miner, noise)
    stem = f"model-{miner}-{round(noise * 100)}"
    extra = {"pnml": (lambda: model_file(model, "pnml"), "application/xml")}
    if source is not None:
        extra = {"bpmn": (lambda: bpmn_xml(model.bpmn), "application/xml"), **extra}
    downloads.picture(stem, key="model_download",
                      svg=(lambda: picture) if source is not None else None,
                      png=(lambda: rendered(source, "png", "nop2")) if source is not None else None,
                      extra=extra)
    st.caption(t("model.bpmn_help"))


def model_quality(log, miner: Miner, noise: float):
    """Conformance of the log against the model discovered from it (fitness, precision)."""
    model = discovered_quietly(log, DiscoveryOptions(miner=miner, noise=noise))
    return check_conformance(log, PetriModel(model.net, model.initial_marking, model.final_marking,
                                             f"discovered {miner} model"))


def _quality(miner: str, noise: float) -> None:
    st.markdown(f"**{t('maps.model_quality')}**", help=t("maps.model_quality_help"))
    count = len(state.computed(variants).cases)
    wanted = (state.filters_json(), miner, noise)
    if count > QUALITY_AUTO_VARIANTS and st.session_state.get("model_quality_for") != wanted:
        if not st.button(t("maps.model_quality_button", variants=format_number(count, state.lang())),
                         key="model_quality_start"):
            return
        st.session_state["model_quality_for"] = wanted
    with st.spinner(t("maps.model_quality_running")):
        result = state.computed(model_quality, miner=miner, noise=noise)
    lang = state.lang()
    cards = st.columns(4)
    cards[0].metric(t("model.fitness"), format_percent(result.alignment_fitness, lang))
    cards[1].metric(t("model.token_fitness"), format_percent(result.token_fitness, lang))
    cards[2].metric(t("model.precision"), format_percent(result.precision, lang))
    cards[3].metric(t("model.fitting_cases"), format_percent(result.fitting_cases_share, lang))


def model_file(model, suffix: str) -> bytes:
    """A discovered model written by the engine's writer (.pnml, .bpmn...) and read back as bytes."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_model(model, Path(folder) / f"model.{suffix}")
        return path.read_bytes()


def conformance_of_file(log, model_path: str):
    """Conformance of the log against the reference model stored at `model_path`."""
    return check_conformance(log, read_model(model_path))


def _conformance() -> None:
    uploaded = st.file_uploader(t("model.reference"), type=["bpmn", "pnml", "xml"], key="model_reference")
    if uploaded is None:
        st.caption(t("model.reference_help"))
        return
    content = uploaded.getvalue()
    digest = hashlib.sha256(content).hexdigest()[:20]
    path = upload.work_dir() / "models" / digest / Path(uploaded.name).name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    try:
        with st.spinner(t("model.checking")):
            result = state.computed(conformance_of_file, model_path=str(path))
    except ProcmineError as exc:
        st.error(str(exc))
        return
    _conformance_result(result)


def _conformance_result(result) -> None:
    lang = state.lang()
    cards = st.columns(4)
    cards[0].metric(t("model.fitness"), format_percent(result.alignment_fitness, lang))
    cards[1].metric(t("model.token_fitness"), format_percent(result.token_fitness, lang))
    cards[2].metric(t("model.precision"), format_percent(result.precision, lang))
    cards[3].metric(t("model.fitting_cases"), format_percent(result.fitting_cases_share, lang))
    deviating = result.deviating_cases()
    st.markdown(f"**{t('model.deviating', count=format_number(len(deviating), lang))}**")
    downloads.table(deviating, "deviating-cases", key="model_deviating", declared=CONFORMANCE,
                    view=deviating.head(1000), columns={
                        "case_id": t("cases.case"), "variant": t("variants.rank"),
                        "alignment_fitness": t("model.fitness"), "skipped": t("model.skipped"),
                        "inserted": t("model.inserted")}, height=320)


TABS = [("model.discover", _discovery), ("model.conformance", _conformance), ("dcr.tab", render_dcr_tab)]
