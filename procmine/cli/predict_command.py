"""`procmine predict` (open cases by deadline risk, with the model card) and `procmine drivers`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from procmine.cli.analysis_commands import FilterOption, FormatOption, check_format, open_filtered, records
from procmine.cli.app import app
from procmine.cli.output import Part, Shown, render
from procmine.errors import ConfigError
from procmine.formatting import Language
from procmine.i18n import check_language, text

_stderr = Console(stderr=True)


@app.command("predict")
def predict_command(
        dataset: Path = typer.Argument(..., help="Dataset folder."),
        rule: list[str] = typer.Option(None, "--rule", help="Only this deadline rule (by name); repeat for more."),
        rules: Path = typer.Option(None, "--rules", help="Deadline rules (YAML/JSON); default: the sample "
                                   "workflows' rules that fit the log."),
        top: int = typer.Option(25, "--top", help="Open cases shown in the table (all in csv/json)."),
        lang: str = typer.Option("en", "--lang", help="Language of the model card: en or da."),
        no_cache: bool = typer.Option(False, "--no-cache", help="Train again even if a cached forecast exists."),
        filters: list[Path] = FilterOption, fmt: str = FormatOption) -> None:
    """Open cases by the risk of missing their deadline, with remaining time, reasons and the model card."""
    from procmine.prediction import wording

    fmt, lang = check_format(fmt), check_language(lang)
    forecast = _forecast(open_filtered(dataset, filters), rules, no_cache)
    cases = _chosen(forecast, rule)
    plain = _plain_cases(cases, lang)
    cards = [card for card in forecast.cards if not rule or card.rule in rule]
    nothing_fits = () if cards else (f"\n{text('radar.no_rules_cli', lang)}",)
    render(fmt, Shown((*nothing_fits, *(line for card in cards for line in _card_lines(card, lang)),
                       Part(plain, "Open cases by risk", rows=top), forecast.calendar),
                      lambda: {"calendar": forecast.calendar, "skipped": list(forecast.skipped),
                               "cards": [dict(c.row(), verdict=wording.verdict(c, lang)) for c in cards],
                               "cases": records(plain)}, plain))


def _card_lines(card, lang: Language) -> list:
    """A model card for people: its verdict, its sentences and (when scored) its table."""
    from procmine.prediction import wording

    lines: list = [f"\n{card.rule}: {wording.verdict(card, lang)}"]
    summary = wording.card_summary(card, lang)
    lines += [f"  {paragraph}" for paragraph in (summary, *wording.card_details(card, lang)) if paragraph]
    return lines + [Part(wording.card_table(card, lang), f"Model card: {card.rule}")] if card.scores else lines


def _forecast(log, rules_file: Path | None, no_cache: bool):
    from procmine.analysis import load_rules
    from procmine.analysis.deadlines import check_rules
    from procmine.prediction import predict
    from procmine.prediction.cache import cache_key, cached
    from procmine.workcalendar import WorkCalendar

    rules = load_rules(rules_file) if rules_file else None
    if rules:
        check_rules(log, rules)
    calendar = WorkCalendar()
    progress = Progress(TextColumn("Learning {task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=_stderr, transient=True)

    def compute():
        with progress:
            task = progress.add_task("deadline rules", total=None)
            return predict(log, rules, calendar, progress=lambda name, done, total: progress.update(
                task, completed=done, total=total, description=name or "deadline rules"))

    return compute() if no_cache else cached(cache_key(log, rules, calendar), compute)


def _chosen(forecast, names: list[str] | None) -> pd.DataFrame:
    if not names:
        return forecast.cases
    known = {card.rule for card in forecast.cards}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(f"--rule {', '.join(map(repr, unknown))}: no such deadline rule fits the log; "
                          f"choose from {', '.join(sorted(known)) or 'none (give --rules FILE)'}.")
    return forecast.cases[forecast.cases["rule"].isin(names)]


def _plain_cases(cases: pd.DataFrame, lang: Language) -> pd.DataFrame:
    from procmine.prediction.wording import reasons_text

    plain = cases.copy()
    plain["risk_share"] = plain.pop("risk")
    plain["due"] = plain["due"].dt.date
    plain["reasons"] = [reasons_text(r, lang) for r in plain["reasons"]]
    return plain[["rule", "case_id", "status", "risk_share", "model", "remaining_days", "remaining_low",
                  "remaining_high", "due", "days_left", "activity", "department", "reasons"]]


@app.command("drivers")
def drivers_command(
        dataset: Path = typer.Argument(..., help="Dataset folder."),
        rules: Path = typer.Option(None, "--rules", help="Deadline rules (YAML/JSON) for the compliance figures."),
        top: int = typer.Option(25, "--top", help="Drivers shown in the table (all in csv/json)."),
        filters: list[Path] = FilterOption, fmt: str = FormatOption) -> None:
    """What makes cases slow: difference in median throughput and compliance, with 95 % intervals."""
    from procmine.analysis import load_rules
    from procmine.prediction import drivers
    from procmine.prediction.drivers import MIN_CASES

    check_format(fmt)
    result = drivers(open_filtered(dataset, filters), load_rules(rules) if rules else None)
    table = result.table.rename(columns={c: c.replace("compliance", "compliance_share")
                                         for c in result.table.columns if c.startswith("compliance_")})
    title = (f"Drivers of long throughput (working days; {result.cases:,} closed cases, "
             f"at least {MIN_CASES} on each side)")
    render(fmt, Shown((Part(table.drop(columns=["kind"]), title, rows=top), result.calendar),
                      lambda: {"calendar": result.calendar, "closed_cases": result.cases, "min_cases": MIN_CASES,
                               "drivers": records(table)}, table))
