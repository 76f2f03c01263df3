"""A zoomable, draggable frame for a big SVG drawing (process map, BPMN model), with Fit, 1:1 and Start buttons.

The drawing stays one <img> (a data URI: no ids of one drawing clash with another's);
a few lines of JavaScript move and scale it. A drawing opens fitted to the frame when
its labels stay readable that way, else at a readable scale with its Start node (or top) in view.
"""

from __future__ import annotations

import base64
import html
import re
import textwrap

import streamlit as st

from procmine.ui.state import t

READABLE_SCALE = 0.55   # below this a fitted map's labels are too small to read


def start_point(svg: bytes, node: str = "start") -> tuple[float, float] | None:
    """Where node `node` lies in a Graphviz SVG, as fractions (0..1) of its width and height."""
    text = svg.decode("utf-8", "replace")
    size = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', text)
    shift = re.search(r'class="graph" transform="[^"]*translate\(([-\d.]+)[ ,]([-\d.]+)\)', text)
    spot = re.search(rf"<title>{re.escape(node)}</title>\s*<ellipse[^>]*cx=\"([-\d.]+)\" cy=\"([-\d.]+)\"", text)
    if not (size and shift and spot):
        return None
    width, height = float(size[1]), float(size[2])
    if width <= 0 or height <= 0:
        return None
    return (float(spot[1]) + float(shift[1])) / width, (float(spot[2]) + float(shift[2])) / height


def natural_size(svg: bytes) -> tuple[float, float]:
    """(width, height) in CSS pixels of a Graphviz SVG (its size is given in points)."""
    found = re.search(rb'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    return (float(found[1]) * 4 / 3, float(found[2]) * 4 / 3) if found else (800.0, 600.0)


def message_svg(message: str, width: int = 640) -> bytes:
    """A small SVG that shows `message` (in place of a drawing that could not be made)."""
    lines = textwrap.wrap(message, 80) or [""]
    rows = "".join(f'<text x="16" y="{28 + 20 * n}">{html.escape(line)}</text>' for n, line in enumerate(lines))
    height = 24 + 20 * len(lines)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}pt" height="{height}pt" '
            f'viewBox="0 0 {width} {height}"><rect width="100%" height="100%" fill="#fff8e6"/>'
            f'<g font-family="Helvetica,sans-serif" font-size="13" fill="#6b4e00">{rows}</g></svg>').encode()


def show_picture(svg: bytes, *, key: str, max_height: str = "78vh", opening: str = "start",
                 alt: str = "") -> None:
    """The SVG in a frame of at most `max_height`, opening fitted ("fit"), or ("start") fitted when
    that keeps labels readable, else at a readable scale with the Start node (or the top) in view."""
    width, height = natural_size(svg)
    start = start_point(svg) if opening == "start" else None
    encoded = base64.b64encode(svg).decode("ascii")
    tools = "".join(
        f'<button type="button" data-act="{act}" title="{html.escape(t(label))}" '
        f'style="{_BUTTON}">{symbol}</button>'
        for act, symbol, label in (("in", "+", "maps.zoom_in"), ("out", "−", "maps.zoom_out"),
                                   ("fit", "⤢", "maps.fit"), ("actual", "1:1", "maps.actual"))
        + ((("start", "▶ Start", "maps.start"),) if start else ()))
    data = f'data-w="{width:.1f}" data-h="{height:.1f}"'
    if start:
        data += f' data-sx="{start[0]:.4f}" data-sy="{start[1]:.4f}"'
    st.html(f'<div class="procmine-picture" id="{key}" {data} data-opening="{opening}" '
            f'title="{html.escape(t("maps.viewer_help"))}" style="position:relative;overflow:hidden;'
            f'height:min({height + 24:.0f}px,{max_height});border:1px solid #e3e6ea;border-radius:6px;'
            f'background:white;cursor:grab;touch-action:none">'
            f'<div style="position:absolute;top:6px;right:6px;z-index:2;display:flex;gap:4px">{tools}</div>'
            f'<img alt="{html.escape(alt)}" draggable="false" style="position:absolute;left:0;top:0;'
            f'max-width:none;transform-origin:0 0;user-select:none" width="{width:.0f}" height="{height:.0f}" '
            f'src="data:image/svg+xml;base64,{encoded}"></div>'
            f"<script>{_SCRIPT.replace('__KEY__', key).replace('__READABLE__', str(READABLE_SCALE))}</script>",
            unsafe_allow_javascript=True)


_BUTTON = ("border:1px solid #c9ced6;background:#ffffffee;border-radius:4px;min-width:30px;height:28px;"
           "font:14px sans-serif;cursor:pointer;padding:0 6px")

_SCRIPT = """
(function () {
  const frame = document.getElementById("__KEY__");
  if (!frame || frame.dataset.ready) return;
  frame.dataset.ready = "1";
  const img = frame.querySelector("img");
  const w = parseFloat(frame.dataset.w), h = parseFloat(frame.dataset.h);
  let scale = 1, x = 0, y = 0;
  const draw = () => { img.style.transform = `translate(${x}px, ${y}px) scale(${scale})`; };
  const fitScale = () => Math.min(frame.clientWidth / w, frame.clientHeight / h, 1);
  const fit = () => { scale = fitScale(); x = (frame.clientWidth - w * scale) / 2;
                      y = (frame.clientHeight - h * scale) / 2; draw(); };
  const toStart = () => {
    scale = Math.max(fitScale(), 0.9);
    x = frame.clientWidth / 2 - parseFloat(frame.dataset.sx) * w * scale;
    y = 40 - parseFloat(frame.dataset.sy) * h * scale; draw(); };
  const zoom = (factor, cx, cy) => {
    const next = Math.min(4, Math.max(0.05, scale * factor));
    x = cx - (cx - x) * next / scale; y = cy - (cy - y) * next / scale; scale = next; draw(); };
  const actual = () => { scale = 1; x = Math.max(0, (frame.clientWidth - w) / 2); y = 0; draw(); };
  const opening = () => {
    if (!frame.clientWidth) return;   // in a hidden tab: lay out once it is shown
    if (frame.dataset.opening === "fit" || fitScale() >= __READABLE__) fit();
    else if (frame.dataset.sx) toStart();
    else actual(); };
  frame.querySelectorAll("button").forEach(button => button.addEventListener("click", event => {
    event.stopPropagation();
    const act = button.dataset.act, cx = frame.clientWidth / 2, cy = frame.clientHeight / 2;
    if (act === "in") zoom(1.25, cx, cy); else if (act === "out") zoom(0.8, cx, cy);
    else if (act === "fit") fit(); else if (act === "start") toStart();
    else actual(); }));
  frame.addEventListener("wheel", event => {
    event.preventDefault();
    const box = frame.getBoundingClientRect();
    zoom(event.deltaY < 0 ? 1.15 : 1 / 1.15, event.clientX - box.left, event.clientY - box.top);
  }, {passive: false});
  let drag = null;
  frame.addEventListener("pointerdown", event => {
    if (event.target.closest("button")) return;
    drag = [event.clientX - x, event.clientY - y]; frame.setPointerCapture(event.pointerId);
    frame.style.cursor = "grabbing"; });
  frame.addEventListener("pointermove", event => {
    if (drag) { x = event.clientX - drag[0]; y = event.clientY - drag[1]; draw(); } });
  const release = () => { drag = null; frame.style.cursor = "grab"; };
  frame.addEventListener("pointerup", release);
  frame.addEventListener("pointercancel", release);
  if (img.complete) opening(); else img.addEventListener("load", opening);
  new ResizeObserver(() => { if (!frame.dataset.moved) opening(); }).observe(frame);
  frame.addEventListener("pointerdown", () => { frame.dataset.moved = "1"; });
  frame.addEventListener("wheel", () => { frame.dataset.moved = "1"; });
})();
"""
