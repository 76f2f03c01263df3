"""`procmine animate`: the animated process map as an animated GIF or WebP for a presentation."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import typer

from procmine.cli.app import app


@app.command("animate")
def animate_command(
    dataset: Path = typer.Argument(..., help="Dataset folder."),
    out: Path = typer.Option(..., "-o", "--out", help="File to write: .gif or .webp."),
    colour_by: str = typer.Option("none", "--colour-by", help="none|deadline|attribute"),
    deadline_days: int = typer.Option(10, "--deadline-days", help="Deadline in working days from case start."),
    attribute: str = typer.Option(None, "--attribute", help="Case attribute to colour by (--colour-by attribute)."),
    frames: int = typer.Option(120, "--frames", help="Frames over the log's time line."),
    fps: int = typer.Option(12, "--fps", help="Frames per second."),
    width: int = typer.Option(1280, "--width", help="Largest picture width in pixels."),
    activities: float = typer.Option(1.0, "--activities", help="Share of activities to show, 0..1."),
    paths: float = typer.Option(1.0, "--paths", help="Share of paths to show, 0..1."),
    filter_file: Path = typer.Option(None, "--filter", help="Filter stack file (.json/.yaml)."),
    lang: str = typer.Option("en", "--lang", help="en|da"),
) -> None:
    """Animate cases flowing over the process map and write it as an animated GIF or WebP."""

    from procmine.analysis.animation import ColourBy, TokenOptions
    from procmine.cli.model_commands import _open_log
    from procmine.errors import ConfigError
    from procmine.languages import check_language
    from procmine.render.animation_payload import build_animation
    from procmine.render.animation_video import VideoOptions, write_video
    from procmine.render.process_map import MapOptions
    from procmine.validation import checked

    if out.suffix.lower() not in (".gif", ".webp"):
        raise ConfigError(f"Cannot write the animation as {out.name!r}: name the output .gif or .webp.")
    if colour_by == "attribute" and not attribute:
        raise ConfigError("--colour-by attribute needs --attribute NAME (a case attribute of the log).")
    token_options = checked(lambda: TokenOptions(colour_by=cast(ColourBy, colour_by),  # TokenOptions checks it
                                                 deadline_days=deadline_days, attribute=attribute),
                            ConfigError, "Invalid animation option", "--colour-by is none, deadline or "
                            "attribute; --deadline-days a whole number above 0")
    language = check_language(lang)
    video = VideoOptions(frames=frames, fps=fps, max_width=width)
    map_options = MapOptions(activities=activities, paths=paths, lang=language)
    animation = build_animation(_open_log(dataset, filter_file), map_options, token_options, png=True)
    write_video(animation.layout, animation.tokens, animation.legend, out, video, language)
    typer.echo(f"Wrote the animated process map ({frames} frames, {len(animation.tokens):,} tokens for "
               f"{animation.tokens.transitions:,} transitions) to {out}.")
