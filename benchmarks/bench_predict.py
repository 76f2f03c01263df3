"""Deadline-breach prediction: the temporal-split model card on every log, and training/scoring times.

Logs: the five bundled samples; the same five workflows simulated with slow-down drivers (3,000
cases each, seed 11), where the model should beat the baselines; and three real shared logs with a
deadline defined here (Road Traffic Fines, BPIC15_1, Sepsis). For each: AUC, Brier score and ECE of
the model and both baselines on later cases, MAE and interval coverage of the remaining time, and
the model shown. Times: training (evaluation fit + final fit, all of `predict`) on Road Traffic
Fines' 150,370 cases (target 30 s); scoring 100,000 open-case prefixes (target 2 s). pm4py has
no deadline prediction, so there is no ratio against it. Writes its section of RESULTS.md.
Usage: python benchmarks/bench_predict.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from results_file import replace_section
from shared_logs import ROAD_TRAFFIC_FINES

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data" / "predict"
SHARED = ROAD_TRAFFIC_FINES.parent
BEGIN, END = "<!-- bench_predict:begin -->", "<!-- bench_predict:end -->"
WORKFLOWS = ("aktindsigt", "borgerhenvendelse", "byggetilladelse", "genoptraening", "merudgifter")
TRAIN_TARGET, SCORE_TARGET, SCORED, SCORING_RUNS = 30.0, 2.0, 100_000, 3


def real_logs():
    """(name, XES file, rule) of the shared logs, each with a deadline defined for this benchmark."""
    from procmine.analysis.deadlines import DeadlineRule

    return [
        ("Road Traffic Fines", ROAD_TRAFFIC_FINES,
         DeadlineRule(name="fine sent within 90 days", start="Create Fine", end="Send Fine", within=90,
                      unit="calendar_days")),
        ("BPIC15_1", SHARED / "BPIC15_1.xes.gz",
         DeadlineRule(name="decision within 8 weeks (Wabo)", within=8, unit="weeks")),
        ("Sepsis", SHARED / "Sepsis_Cases.xes.gz",
         DeadlineRule(name="released within 14 days", start="ER Registration", within=14, unit="calendar_days")),
    ]


def dataset_of(name: str, make) -> Path:
    folder = DATA / name
    if not (folder / "procmine.json").exists():
        folder.parent.mkdir(parents=True, exist_ok=True)   # output folders are not created implicitly
        make(folder)
    return folder


def simulated(workflow: str) -> Path:
    from procmine.simulation import SimulationOptions, write_simulated_dataset

    return dataset_of(f"{workflow}-drivers", lambda folder: write_simulated_dataset(
        folder, SimulationOptions(workflow, cases=3_000, seed=11, drivers=True)))


def imported(name: str, source: Path) -> Path:
    from procmine.importing import import_log

    return dataset_of(name.replace(" ", "_"), lambda folder: import_log(source, folder))


GAINS: dict[str, list[float]] = {"sample": [], "simulated": [], "real": []}


def card_rows(label: str, folder: Path, rules=None) -> tuple[list[str], float, object]:
    import procmine
    from procmine.prediction import predict

    log = procmine.open(folder)
    started = time.perf_counter()
    forecast = predict(log, rules)
    seconds = time.perf_counter() - started
    rows = []
    for card in forecast.cards:
        s = card.scores
        if card.note:
            rows.append(f"| {label} | {card.rule} | {card.train_cases:,} | – | – | – | – | – | – | – | – | {card.note} |")
            continue
        gain = s["boosting"].auc - max(s["logistic"].auc, 0.5)
        kind = label.split()[0] if label.split()[0] in GAINS else "real"
        GAINS[kind].append(gain)
        rows.append(
            f"| {label} | {card.rule} | {card.train_cases:,} / {card.test_cases:,} | {card.test_breach_share:.0%} "
            f"| {s['boosting'].auc:.3f} / {s['logistic'].auc:.3f} ({gain:+.3f}) "
            f"| {s['boosting'].brier:.3f} / {s['logistic'].brier:.3f} / {s['constant'].brier:.3f} "
            f"| {s['boosting'].ece:.3f} / {s['logistic'].ece:.3f} | {card.mae:.1f} / {card.baseline_mae:.1f} "
            f"| {card.coverage:.1%} | {seconds:.1f} | **{card.shown}** |")
    return rows, seconds, forecast


def scoring_seconds(folder: Path, rule) -> tuple[float, int]:
    """Seconds to score SCORED prefixes of Road Traffic Fines' cases (features, risk, interval, TreeSHAP reasons)."""
    import procmine
    from procmine.prediction.clock import rule_clock
    from procmine.prediction.features import LogFacts, prefixes_at
    from procmine.prediction.models import fit_models
    from procmine.prediction.radar import score
    from procmine.prediction.samples import labelled_prefixes
    from procmine.workcalendar import WorkCalendar

    calendar = WorkCalendar()
    log = procmine.open(folder)
    facts = LogFacts(log, calendar)
    clock = rule_clock(log, rule, calendar)
    known = np.flatnonzero(clock.settled)
    models = fit_models(labelled_prefixes(facts, clock, known))
    entry = np.resize(np.arange(len(clock.case)), SCORED)
    moment = clock.start[entry] + np.int64(10 * 86_400_000_000)   # each case ten days into its clock
    timings = []
    for _ in range(SCORING_RUNS):   # best of three: the machine is shared, the slowest run measures the others
        started = time.perf_counter()
        prefixes = prefixes_at(facts, clock, entry, moment)
        scored = score(prefixes, models, "boosting")
        timings.append(time.perf_counter() - started)
    print(f"scoring runs: {', '.join(f'{t:.2f}' for t in timings)} s", flush=True)
    return min(timings), len(scored["risk"])


def main() -> None:
    header = ["| log | rule | train / test cases | test breach share | AUC model / logistic (gain) "
              "| Brier model / logistic / constant | ECE model / logistic | MAE remaining model / constant "
              "(working days) | 90 % interval coverage | seconds | shown |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    rows = []
    for workflow in WORKFLOWS:
        rows += card_rows(f"sample {workflow}", ROOT / "sample_logs" / workflow)[0]
        print(rows[-1], flush=True)
    for workflow in WORKFLOWS:
        rows += card_rows(f"simulated {workflow} + drivers", simulated(workflow))[0]
        print(rows[-1], flush=True)
    train_seconds = None
    for name, source, rule in real_logs():
        new_rows, seconds, _ = card_rows(name, imported(name, source), (rule,))
        rows += new_rows
        print(rows[-1], flush=True)
        if name == "Road Traffic Fines":
            train_seconds = seconds
            score_s, scored = scoring_seconds(imported(name, source), rule)
    lines = ["## Deadline-breach prediction (bench_predict.py)", "",
             "Temporal split by case start (70 % earlier cases train, of which the latest 20 % calibrate; the "
             "later 30 % test, every prefix seen at its own moment; only cases whose deadline has passed). "
             "AUC/Brier/ECE over test prefixes; ECE with 10 equal-width bins. Interval coverage weighted by the "
             "inverse probability of censoring (test cases not ended by the log's end have an unseen remaining "
             "time; unweighted, the share is measured on the faster cases: 0.1-3.4 points higher on 11 of 13 logs). `shown` is what the app, report "
             "and CLI use: the model only where it beat both baselines on the test cases.", "",
             *header, *rows, "",
             f"Training on Road Traffic Fines (150,370 cases; evaluation fit and final fit, all of `predict`): "
             f"{train_seconds:.1f} s (target {TRAIN_TARGET:.0f} s). Scoring {scored:,} open-case prefixes "
             f"(features, calibrated risk, conformal interval, TreeSHAP reasons of the 1,000 riskiest; best of "
             f"{SCORING_RUNS}): {score_s:.2f} s "
             f"(target {SCORE_TARGET:.0f} s). pm4py has no deadline prediction: no ratio.",
             *[f"AUC gain of the model over the logistic baseline, {kind} logs: "
               + ", ".join(f"{g:+.3f}" for g in gains) for kind, gains in GAINS.items()],
             f"Machine: 2 cores shared with other work; Python {sys.version.split()[0]}."]
    replace_section(BEGIN, END, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
