"""Inline SVG charts drawn by hand (no JavaScript): trend lines over bars, compliance bars, chevron strips.

Every function takes figures the engine computed and only decides where they go on the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

BLUE, BLUE_LIGHT, ORANGE, GREY, INK = "#1f5f99", "#c9dcef", "#d9822b", "#8a96a3", "#1d2733"
GOOD, BAD = "#2e7d4f", "#c0392b"
ACTIVITY_COLOURS = ("#1f5f99", "#2e8b8b", "#6a5acd", "#b5651d", "#2e7d4f", "#8b3a62", "#4a6fa5",
                    "#7a7a2e", "#a0522d", "#3b7a57", "#5d4e8c", "#9c4f2f")
FONT = 'font-family="Helvetica, Arial, sans-serif"'


@dataclass(frozen=True)
class TrendPoint:
    """One period of the trend chart: its axis label, bar value and two line values (NaN = none)."""

    label: str
    bar: float
    median: float
    p90: float


def _at(value: float) -> str:
    """A coordinate or length in the SVG (or a CSS width), to a tenth: where a thing goes, not a figure shown."""
    return f"{value:.1f}"


def bar_length(part: float, whole: float) -> str:
    """A bar's length in percent of the longest bar, for a CSS width ("23.5")."""
    return _at(100 * part / whole)


def _nice_top(value: float, whole: bool = False) -> float:
    """A round axis maximum at or above `value` whose quarters are round too (whole numbers if `whole`)."""
    if not value or math.isnan(value) or value <= 0:
        return 4.0
    quarter = value / 4
    power = 10 ** math.floor(math.log10(quarter))
    for factor in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        step = factor * power
        if step >= quarter and (not whole or float(step).is_integer()):
            return 4 * step
    return 40 * power


def trend_chart(points: list[TrendPoint], labels: dict[str, str], number) -> str:
    """Bars (cases) on the right axis and median/P90 lines (days) on the left axis, with a legend.

    `labels` names the chart ("title"), its axes ("left_axis", "right_axis") and its series ("bars",
    "median", "p90"); `number` formats an axis tick (procmine.report.figures.Figures.axis).
    """
    width, height, left, right, top, bottom = 720, 280, 48, 48, 34, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    days_top = _nice_top(max((v for pt in points for v in (pt.median, pt.p90) if not math.isnan(v)), default=1))
    bars_top = _nice_top(max((pt.bar for pt in points), default=1), whole=True)
    slot = plot_w / max(len(points), 1)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(labels["title"])}" {FONT}>']
    for tick in range(5):
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{_at(y)}" y2="{_at(y)}" stroke="#e3e8ee"/>')
        parts.append(f'<text x="{left - 6}" y="{_at(y + 4)}" font-size="11" text-anchor="end" fill="{GREY}">'
                     f'{escape(number(days_top * tick / 4))}</text>')
        parts.append(f'<text x="{width - right + 6}" y="{_at(y + 4)}" font-size="11" fill="{GREY}">'
                     f'{escape(number(bars_top * tick / 4))}</text>')
    for index, point in enumerate(points):
        bar_h = plot_h * point.bar / bars_top
        x = left + slot * index + slot * 0.18
        parts.append(f'<rect x="{_at(x)}" y="{_at(top + plot_h - bar_h)}" width="{_at(slot * 0.64)}" '
                     f'height="{_at(bar_h)}" fill="{BLUE_LIGHT}" rx="2"><title>{escape(point.label)}: '
                     f'{escape(number(point.bar))}</title></rect>')
        if len(points) <= 16 or index % math.ceil(len(points) / 16) == 0:
            parts.append(f'<text x="{_at(left + slot * (index + 0.5))}" y="{height - bottom + 16}" font-size="11" '
                         f'text-anchor="middle" fill="{INK}">{escape(point.label)}</text>')
    for key, colour in (("p90", ORANGE), ("median", BLUE)):
        parts.append(_line([getattr(pt, key) for pt in points], colour, left, top, plot_h, slot, days_top))
    parts.append(f'<text x="{left - 40}" y="{top - 14}" font-size="11" fill="{GREY}">{escape(labels["left_axis"])}</text>')
    parts.append(f'<text x="{width - right + 40}" y="{top - 14}" font-size="11" text-anchor="end" '
                 f'fill="{GREY}">{escape(labels["right_axis"])}</text>')
    parts.append(_legend([(BLUE_LIGHT, labels["bars"], "bar"), (BLUE, labels["median"], "line"),
                          (ORANGE, labels["p90"], "line")], left + 90, height - 10))
    parts.append("</svg>")
    return "".join(parts)


def _line(values: list[float], colour: str, left: float, top: float, plot_h: float, slot: float,
          axis_top: float) -> str:
    """A polyline through the known values (gaps where a value is NaN) with a dot at each."""
    segments: list[list[str]] = []
    current: list[str] = []
    dots: list[str] = []
    for index, value in enumerate(values):
        if math.isnan(value):
            segments.append(current)
            current = []
            continue
        x, y = left + slot * (index + 0.5), top + plot_h - plot_h * value / axis_top
        current.append(f"{_at(x)},{_at(y)}")
        dots.append(f'<circle cx="{_at(x)}" cy="{_at(y)}" r="3" fill="{colour}"/>')
    segments.append(current)
    lines = "".join(f'<polyline points="{" ".join(s)}" fill="none" stroke="{colour}" stroke-width="2.5" '
                    'stroke-linejoin="round"/>' for s in segments if len(s) > 1)
    return lines + "".join(dots)


def _legend(items: list[tuple[str, str, str]], x: float, y: float) -> str:
    parts = []
    for colour, label, kind in items:
        mark = (f'<rect x="{_at(x)}" y="{y - 9}" width="14" height="10" fill="{colour}" rx="2"/>' if kind == "bar"
                else f'<line x1="{_at(x)}" x2="{_at(x + 14)}" y1="{y - 4}" y2="{y - 4}" stroke="{colour}" stroke-width="3"/>')
        parts.append(mark + f'<text x="{_at(x + 19)}" y="{y}" font-size="11" fill="{INK}">{escape(label)}</text>')
        x += 30 + 6.5 * len(label)
    return "".join(parts)


def compliance_bars(rows: list[tuple[str, float, str]], target: float, target_label: str) -> str:
    """Horizontal bars of the share met per row (label, share 0..1, value text), with the target marked."""
    label_w, bar_w, row_h, width = 170, 240, 30, 480
    height = row_h * len(rows) + 26
    parts = [f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" {FONT}>']
    target_x = label_w + bar_w * target
    for index, (label, share, shown) in enumerate(rows):
        y = 8 + row_h * index
        filled = 0.0 if math.isnan(share) else bar_w * share
        colour = GOOD if not math.isnan(share) and share >= target else BAD
        parts.append(f'<text x="{label_w - 10}" y="{y + 15}" font-size="12" text-anchor="end" fill="{INK}">'
                     f'{escape(_shorten(label, 24))}<title>{escape(label)}</title></text>')
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="18" fill="#eef2f6" rx="3"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{_at(filled)}" height="18" fill="{colour}" rx="3"/>')
        parts.append(f'<text x="{label_w + bar_w + 10}" y="{y + 15}" font-size="12" fill="{INK}">'
                     f'{escape(shown)}</text>')
    parts.append(f'<line x1="{_at(target_x)}" x2="{_at(target_x)}" y1="4" y2="{height - 18}" stroke="{INK}" '
                 'stroke-dasharray="4 3" stroke-width="1.5"/>')
    parts.append(f'<text x="{_at(target_x)}" y="{height - 4}" font-size="11" text-anchor="middle" '
                 f'fill="{INK}">{escape(target_label)}</text></svg>')
    return "".join(parts)


def chevron_strip(activities: tuple[str, ...], colours: dict[str, str], per_row: int = 7) -> str:
    """The activities of a variant as a strip of coloured chevrons, wrapped after `per_row`."""
    step, height, tip = 102, 42, 11
    rows = max(1, math.ceil(len(activities) / per_row))
    width = step * min(len(activities), per_row) + tip + 2
    parts = [(f'<svg class="chevrons" viewBox="0 0 {width} {rows * (height + 5)}" '
              f'style="max-width:{width}px" role="img" {FONT}>')]
    for index, activity in enumerate(activities):
        x, y = step * (index % per_row), (height + 5) * (index // per_row)
        notch = 0 if index % per_row == 0 else tip
        points = (f"{x},{y} {x + step},{y} {x + step + tip},{y + height / 2} {x + step},{y + height} "
                  f"{x},{y + height} {x + notch},{y + height / 2}")
        parts.append(f'<polygon points="{points}" fill="{colours.get(activity, GREY)}" stroke="#fff" '
                     f'stroke-width="2"><title>{escape(activity)}</title></polygon>')
        lines = _wrap(activity, 15)
        size = min(10.5, (step - tip - 6) / (0.56 * max(len(line) for line in lines)))
        for number, line in enumerate(lines):
            text_y = y + height / 2 + size / 2.8 + (number - (len(lines) - 1) / 2) * (size + 1.5)
            parts.append(f'<text x="{_at(x + notch / 2 + step / 2 + 2)}" y="{_at(text_y)}" font-size="{_at(size)}" '
                         f'text-anchor="middle" fill="#fff">{escape(line)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def activity_colours(activities: list[str]) -> dict[str, str]:
    """A stable colour per activity, in the order given."""
    return {a: ACTIVITY_COLOURS[i % len(ACTIVITY_COLOURS)] for i, a in enumerate(activities)}


def _wrap(label: str, width: int) -> list[str]:
    """At most three lines of about `width` characters (a longer word keeps its line); the rest is cut."""
    lines, current = [], ""
    for word in _hyphenated(label.split(), width):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    if len(lines) > 3:
        lines = lines[:2] + [_shorten(" ".join(lines[2:]), width)]
    return [_shorten(line, 2 * width) for line in lines]


def _hyphenated(words: list[str], width: int) -> list[str]:
    """Words longer than a line broken into line-sized pieces ending in a hyphen."""
    pieces = []
    for word in words:
        count = math.ceil(len(word) / (width - 1))
        size = math.ceil(len(word) / count)
        parts = [word[i:i + size] for i in range(0, len(word), size)]
        pieces += [part + "-" for part in parts[:-1]] + parts[-1:]
    return pieces


def _shorten(label: str, width: int) -> str:
    return label if len(label) <= width else label[:width - 1].rstrip() + "…"
