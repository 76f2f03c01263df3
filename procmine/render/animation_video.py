"""The animated map as an animated GIF or WebP for a presentation, drawn server-side with Pillow.

Frames are evenly spaced over the log's time line; each draws the map picture of the same layout
the app animates, the queues (halos) at activities, the tokens in motion and the date.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from procmine.analysis.animation import Tokens
from procmine.atomic import atomic_file
from procmine.errors import ProcmineError
from procmine.formatting import format_date
from procmine.languages import Language
from procmine.render.animation_layout import MapLayout, points_along
from procmine.render.animation_payload import Legend
from procmine.render.map_sliders import END, START

VIDEO_FORMATS = ("gif", "webp")
MAX_DOTS_PER_FRAME = 20_000


@dataclass(frozen=True)
class VideoOptions:
    """Frames, frames per second and the largest picture width in pixels."""

    frames: int = 120
    fps: int = 12
    max_width: int = 1280

    def __post_init__(self):
        for name, value, low, high in (("frames", self.frames, 2, 3000), ("fps", self.fps, 1, 60),
                                       ("max_width", self.max_width, 200, 4000)):
            if not low <= value <= high:
                raise ProcmineError(f"Video option {name} is {value}; give a whole number from {low} to {high}.")


def video_bytes(layout: MapLayout, tokens: Tokens, legend: Legend, format: str,
                options: VideoOptions = VideoOptions(), lang: Language = "en") -> bytes:
    """The animation as GIF or WebP bytes."""
    if format not in VIDEO_FORMATS:
        raise ProcmineError(f"Cannot write the animation as {format!r}; use gif or webp.")
    if layout.png is None:
        raise ProcmineError("The map layout has no PNG picture; lay it out with map_layout(..., png=True).")
    background = Image.open(io.BytesIO(layout.png)).convert("RGB")
    pixels_per_point = background.width / layout.width
    scale = min(1.0, options.max_width / background.width)
    if scale < 1.0:
        background = background.resize((round(background.width * scale), round(background.height * scale)),
                                       Image.Resampling.LANCZOS)
    factor = pixels_per_point * scale
    span = int(tokens.end.max()) if len(tokens) else 0
    moments = np.linspace(0, span, options.frames)
    frames = [_frame(background, layout, tokens, legend, float(t), factor, lang) for t in moments]
    out = io.BytesIO()
    extra = {"optimize": False} if format == "gif" else {"quality": 70, "method": 0}
    frames[0].save(out, format=format.upper(), save_all=True, append_images=frames[1:],
                   duration=round(1000 / options.fps), loop=0, **extra)
    return out.getvalue()


def write_video(layout: MapLayout, tokens: Tokens, legend: Legend, path: str | os.PathLike,
                options: VideoOptions = VideoOptions(), lang: Language = "en") -> Path:
    """Write the animation to `path` (.gif or .webp) atomically."""
    path = Path(path)
    format = path.suffix.lower().lstrip(".")
    if format not in VIDEO_FORMATS:
        raise ProcmineError(f"Cannot write the animation as {path.name!r}: unknown suffix {path.suffix!r}. "
                            "Name the output .gif or .webp.")
    data = video_bytes(layout, tokens, legend, format, options, lang)
    with atomic_file(path) as tmp:
        Path(tmp).write_bytes(data)
    return path


def positions_at(layout: MapLayout, tokens: Tokens, t: float) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the tokens in motion at t (s after the origin) and their (x, y) in SVG points."""
    active = np.flatnonzero((tokens.start <= t) & (tokens.end > t))
    points = np.zeros((len(active), 2))
    edge = tokens.edge[active]
    fraction = (t - tokens.start[active]) / (tokens.end[active] - tokens.start[active])
    for number in np.unique(edge).tolist():
        chosen = edge == number
        points[chosen] = points_along(layout.polylines[number], fraction[chosen])
    return active, points


def _frame(background: Image.Image, layout: MapLayout, tokens: Tokens, legend: Legend, t: float,
           factor: float, lang: Language) -> Image.Image:
    frame = background.copy()
    draw = ImageDraw.Draw(frame, "RGBA")
    active, points = positions_at(layout, tokens, t)
    _halos(draw, layout, tokens, active, factor)
    if len(active) > MAX_DOTS_PER_FRAME:
        keep = np.argsort(-tokens.weight[active], kind="stable")[:MAX_DOTS_PER_FRAME]
        active, points = active[keep], points[keep]
    radius = (2.5 + np.minimum(4.5, np.log2(tokens.weight[active]))) * max(factor, 0.6)
    for (x, y), r, code in zip((points * factor).tolist(), radius.tolist(), tokens.colour[active].tolist()):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=legend.colours[code])
    when = dt.datetime.fromtimestamp(tokens.origin_us / 1e6 + t, dt.UTC)
    draw.rectangle((0, 0, 190, 28), fill=(255, 255, 255, 220))
    draw.text((8, 5), format_date(when, lang), fill="#262730", font=ImageFont.load_default(size=16))
    return frame


def _halos(draw: ImageDraw.ImageDraw, layout: MapLayout, tokens: Tokens, active: np.ndarray,
           factor: float) -> None:
    """A translucent halo around each activity, growing with the tokens on their way to it."""
    targets = [edge[1] for edge in layout.edges]
    waiting = np.bincount(tokens.edge[active], weights=tokens.weight[active], minlength=len(targets))
    queue: dict[str, float] = {}
    for target, count in zip(targets, waiting.tolist()):
        if target not in (START, END) and count:
            queue[target] = queue.get(target, 0.0) + count
    largest = max(queue.values(), default=0.0)
    for name, count in queue.items():
        x, y, w, h = layout.nodes[name]
        grow = 4 + 26 * (count / largest) ** 0.5
        box = ((x - w / 2) * factor - grow, (y - h / 2) * factor - grow,
               (x + w / 2) * factor + grow, (y + h / 2) * factor + grow)
        draw.ellipse(box, fill=(240, 120, 20, 56))
