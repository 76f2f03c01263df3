"""Hostile configuration and dataset inputs: filter files, connector and report configs,
deadline rules, damaged dataset folders."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hostile_base import Case

# --- filter files (analysis commands with --filter) -----------------------------------------

FILTERS = {
    "json-syntax.json": '[{"kind": "endpoints", "start": ["a"]',
    "json-not-list.json": '{"kind": "endpoints"}',
    "json-item-not-object.json": '["endpoints"]',
    "json-unknown-kind.json": '[{"kind": "nope"}]',
    "json-kind-is-list.json": '[{"kind": ["timeframe"]}]',
    "json-unknown-key.json": '[{"kind": "timeframe", "between": ["2024-01-01", null], "colour": 1}]',
    "json-month13.json": '[{"kind": "timeframe", "between": ["2024-13-01", null]}]',
    "json-day32.json": '[{"kind": "timeframe", "between": ["2024-01-32", null]}]',
    "json-year0.json": '[{"kind": "timeframe", "between": ["0000-01-01", null]}]',
    "json-end-before-start.json": '[{"kind": "timeframe", "between": ["2024-02-01", "2024-01-01"]}]',
    "json-infinity.json": '[{"kind": "performance", "between": [Infinity, null]}]',
    "json-overflow-float.json": '[{"kind": "performance", "between": [1e400, null]}]',
    "json-big-int.json": '[{"kind": "performance", "between": [123456789012345678901234567890, null]}]',
    "json-deep.json": "[" * 100_000 + "]" * 100_000,
    "json-wrong-type.json": '[{"kind": "endpoints", "start": 5}]',
    "yaml-syntax.yaml": "- kind: endpoints\n  start: [a\n",
    "yaml-tabs.yaml": "- kind: endpoints\n\tstart: [a]\n",
    "yaml-month13.yaml": "- kind: timeframe\n  between: [2024-13-01, null]\n",
    "yaml-feb30.yaml": "- kind: timeframe\n  between: [2024-02-30, null]\n",
    "yaml-inf.yaml": "- kind: performance\n  between: [.inf, null]\n",
    "yaml-nan.yaml": "- kind: performance\n  between: [.nan, null]\n",
    "yaml-big-int.yaml": "- kind: performance\n  between: [123456789012345678901234567890, null]\n",
    "yaml-python-tag.yaml": "- !!python/object/apply:os.system ['echo hi']\n",
    "yaml-alias-loop.yaml": "- &a [*a]\n",
    "yaml-non-string-key.yaml": "- {1: 2, kind: endpoints}\n",
    "yaml-scalar.yaml": "just text\n",
    "yaml-duplicate-key.yaml": "- kind: endpoints\n  start: [a]\n  start: [b]\n",
    "yaml-unknown-activity.yaml": "- kind: endpoints\n  start: [Ingen sådan aktivitet]\n",
}
ENCODED_FILTERS = {
    "cp1252-byte.yaml": "- kind: endpoints\n  start: [Høring]\n".encode("cp1252"),
    "utf16-without-bom.json": '[{"kind": "endpoints", "start": ["a"]}]'.encode("utf-16-le"),
    "nul-bytes.yaml": b"- kind: endpoints\n  start: [a\x00b]\n",
    "binary.json": bytes(range(256)),
    "too-large.yaml": b"- kind: endpoints\n  start: [" + b"a, " * (1 << 20) + b"a]\n",
}


def alias_bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def filter_cases(dataset: Path) -> list[Case]:
    commands = ("info", "variants", "dfg")
    cases = []
    for number, (name, text) in enumerate([*FILTERS.items(), *ENCODED_FILTERS.items()]):
        command = commands[number % len(commands)]
        for run in (command, "throughput") if number % 4 == 0 else (command,):
            cases.append(Case(f"filter-{run}-{name}", _filter_build(name, text, run, dataset), name))
    cases += [
        Case("filter-missing-file", lambda folder: ["info", str(dataset), "--filter", str(folder / "none.yaml")],
             "none.yaml"),
        Case("filter-is-folder", lambda folder: (folder.joinpath("dir.yaml").mkdir(),
                                                 ["info", str(dataset), "--filter", str(folder / "dir.yaml")])[1],
             "dir.yaml"),
        Case("filter-alias-bomb", _filter_build("bomb.yaml", alias_bomb(), "info", dataset), "bomb.yaml",
             ("alias bomb",), heavy=True),
        Case("filter-second-of-two-bad", _two_filters(dataset), "second.json"),
    ]
    return cases


def _filter_build(name: str, text: str | bytes, command: str, dataset: Path) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        path = folder / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return [command, str(dataset), "--filter", str(path)]
    return build


def _two_filters(dataset: Path) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        (folder / "first.json").write_text('[{"kind": "rework", "activity": "a"}]', encoding="utf-8")
        (folder / "second.json").write_text('[{"kind": "timeframe", "between": ["2024-13-01", null]}]',
                                            encoding="utf-8")
        return ["info", str(dataset), "--filter", str(folder / "first.json"), "--filter", str(folder / "second.json")]
    return build


# --- connector configs (extract --check) -----------------------------------------------------

GOOD_CONNECTOR = ('url: "sqlite:///{db}"\noutput: out\npseudonymise: false\n'
                  "events:\n  - {{name: e, table: t, case_id: c, activity: a, timestamp: d}}\n")
CONNECTORS = {
    "list.yaml": "- url: sqlite://\n",
    "scalar.yaml": "sqlite://\n",
    "empty.yaml": "",
    "syntax.yaml": "url: [sqlite://\n",
    "unknown-key.yaml": GOOD_CONNECTOR + "colour: blue\n",
    "missing-events.yaml": 'url: "sqlite:///{db}"\noutput: out\npseudonymise: false\n',
    "env-not-set.yaml": 'url: "${PROCMINE_TEST_UNSET_VARIABLE_XYZ}"\noutput: out\npseudonymise: false\n'
                        "events:\n  - {name: e, table: t, case_id: c, activity: a, timestamp: d}\n",
    "alias-loop.yaml": "url: &u [*u]\n",
    "duplicate-key.yaml": GOOD_CONNECTOR + 'url: "sqlite:///other.db"\n',
    "python-tag.yaml": "url: !!python/name:os.system\n",
    "inf.yaml": GOOD_CONNECTOR + "chunk_size: .inf\n",
    "big-int.yaml": GOOD_CONNECTOR + "chunk_size: 123456789012345678901234567890\n",
    "bad-date.yaml": GOOD_CONNECTOR + "since: 2024-13-01\n",
}


def connector_cases() -> list[Case]:
    # connectors/config.py names the unset variable and the key (not the file) for ${...}
    cases = [Case(f"connector-{name}", _connector_build(name, text),
                  "PROCMINE_TEST_UNSET_VARIABLE_XYZ" if name == "env-not-set.yaml" else name)
             for name, text in CONNECTORS.items()]
    cases += [
        Case("connector-cp1252", _connector_build("cp1252.yaml", "output: Høring\n".encode("cp1252")), "cp1252.yaml"),
        Case("connector-utf16-no-bom", _connector_build("utf16.yaml", "url: x\n".encode("utf-16-le")), "utf16.yaml"),
        Case("connector-missing", lambda folder: ["extract", str(folder / "none.yaml"), "--check"], "none.yaml"),
        Case("connector-alias-bomb", _connector_build("bomb.yaml", alias_bomb()), "bomb.yaml", ("alias bomb",),
             heavy=True),
    ]
    return cases


def _connector_build(name: str, text: str | bytes) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        content = text if isinstance(text, bytes) else text.replace("{db}", str(folder / "none.db")).encode()
        (folder / name).write_bytes(content)
        return ["extract", str(folder / name), "--check"]
    return build


# --- report configs and deadline rules -------------------------------------------------------

def report_cases(dataset: Path) -> list[Case]:
    texts = {
        "report-list.yaml": "- dataset: x\n",
        "report-syntax.yaml": "reports: [\n",
        "report-unknown-key.yaml": f"reports:\n  - {{dataset: {dataset}, output: r.html, colour: 1}}\n",
        "report-month13.yaml": f"reports:\n  - {{dataset: {dataset}, output: r.html, from: 2024-13-01}}\n",
        "report-alias-loop.yaml": "reports: &r [*r]\n",
        "report-bomb.yaml": alias_bomb() + "reports: [*a9]\n",
    }
    cases = [Case(name.removesuffix(".yaml"), _report_build(name, text), name) for name, text in texts.items()]
    deadline_texts = {"deadlines-list.yaml": "- 1\n", "deadlines-syntax.yaml": "rules: [\n",
                      "deadlines-bomb.yaml": alias_bomb() + "rules: *a9\n",
                      "deadlines-cp1252.yaml": "rules: [Høring]\n".encode("cp1252")}
    cases += [Case(name.removesuffix(".yaml"), _deadline_build(name, text, dataset), name)
              for name, text in deadline_texts.items()]
    cases += [Case("report-from-month13", lambda folder: ["report", str(dataset), "-o", str(folder / "r.html"),
                                                          "--from", "2024-13-01"], "2024-13-01"),
              Case("report-bad-lang", lambda folder: ["report", str(dataset), "-o", str(folder / "r.html"),
                                                      "--lang", "klingon"], "klingon")]
    return cases


def _report_build(name: str, text: str) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        (folder / name).write_text(text.replace("r.html", str(folder / "r.html")), encoding="utf-8")
        return ["report", "--config", str(folder / name)]
    return build


def _deadline_build(name: str, text: str | bytes, dataset: Path) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return ["deadlines", str(dataset), "--rules", str(folder / name)]
    return build


# --- damaged dataset folders -----------------------------------------------------------------

def _meta_edit(change: Callable[[dict], object]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        meta = json.loads((folder / "procmine.json").read_text(encoding="utf-8"))
        (folder / "procmine.json").write_text(json.dumps(change(meta)), encoding="utf-8")
    return edit


def _write_file(name: str, content: bytes | str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())


def _replace_events(table_of: Callable[[pa.Table], pa.Table]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        events = pq.read_table(folder / "events.parquet")
        pq.write_table(table_of(events), folder / "events.parquet")
    return edit


def _truncate(name: str, share: int) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        data = (folder / name).read_bytes()
        (folder / name).write_bytes(data[: len(data) * share // 100])
    return edit


def _huge_meta(path: Path) -> None:
    """A procmine.json of 65 MiB (a note of that size), written in blocks."""
    with open(path, "wb") as out:
        out.write(b'{"schema_version": 1, "notes": ["')
        for _ in range(65):
            out.write(b"x" * (1 << 20))
        out.write(b'"]}')


DATASET_DAMAGE: dict[str, Callable[[Path], None]] = {
    "meta-is-list": _write_file("procmine.json", "[1, 2]"),
    "meta-is-string": _write_file("procmine.json", '"dataset"'),
    "meta-invalid-json": _write_file("procmine.json", '{"schema_version": '),
    "meta-empty": _write_file("procmine.json", ""),
    "meta-cp1252": _write_file("procmine.json", '{"name": "Høring"}'.encode("cp1252")),
    "meta-deep": _write_file("procmine.json", "[" * 100_000 + "]" * 100_000),
    "meta-nan-version": _write_file("procmine.json", '{"schema_version": NaN}'),
    "meta-version-text": _meta_edit(lambda m: {**m, "schema_version": "1"}),
    "meta-version-missing": _meta_edit(lambda m: {k: v for k, v in m.items() if k != "schema_version"}),
    "meta-timezone-unknown": _meta_edit(lambda m: {**m, "timezone": "Mars/Olympus"}),
    "meta-timezone-number": _meta_edit(lambda m: {**m, "timezone": 5}),
    "meta-source-list": _meta_edit(lambda m: {**m, "source": [1]}),
    "meta-notes-number": _meta_edit(lambda m: {**m, "notes": 5}),
    "meta-created-garbage": _meta_edit(lambda m: {**m, "created_at": "yesterday"}),
    "meta-missing": lambda folder: (folder / "procmine.json").unlink(),
    "meta-huge": lambda folder: _huge_meta(folder / "procmine.json"),
    "events-missing": lambda folder: (folder / "events.parquet").unlink(),
    "events-truncated-50": _truncate("events.parquet", 50),
    "events-truncated-95": _truncate("events.parquet", 95),
    "events-not-parquet": _write_file("events.parquet", "case_id,activity\n1,a\n"),
    "events-other-columns": _replace_events(lambda t: pa.table({"x": pa.array(range(t.num_rows))})),
    "events-no-timestamp": _replace_events(lambda t: t.drop_columns(["timestamp"])),
    "events-timestamp-text": _replace_events(lambda t: t.set_column(
        t.column_names.index("timestamp"), "timestamp", t.column("timestamp").cast(pa.string()))),
    "events-case-float": _replace_events(lambda t: t.set_column(
        t.column_names.index("case_id"), "case_id", pa.array([0.5] * t.num_rows))),
    "events-activity-null": _replace_events(lambda t: t.set_column(
        t.column_names.index("activity"), "activity", pa.nulls(t.num_rows, pa.string()))),
    "events-zero-rows": _replace_events(lambda t: t.slice(0, 0)),
    "events-index-text": _replace_events(lambda t: t.set_column(
        t.column_names.index("case_index"), "case_index", pa.array(["x"] * t.num_rows))),
    "events-index-out-of-range": _replace_events(lambda t: t.set_column(
        t.column_names.index("case_index"), "case_index", pa.array([10**6] * t.num_rows, pa.int32()))),
    "events-unsorted": _replace_events(lambda t: t.take(pa.array(list(range(t.num_rows))[::-1]))),
    "cases-truncated": _truncate("cases.parquet", 50),
    "cases-no-case-id": lambda folder: pq.write_table(pa.table({"x": [1]}), folder / "cases.parquet"),
    "events-folder-broken-part": lambda folder: ((folder / "events.parquet").unlink(),
                                                 (folder / "events").mkdir(),
                                                 (folder / "events" / "part-0.parquet").write_bytes(b"PAR1junk")),
}


def dataset_cases(template: Path) -> list[Case]:
    cases = []
    commands = (("info",), ("variants",), ("dfg",), ("export", "{out}"))
    for number, (label, damage) in enumerate(DATASET_DAMAGE.items()):
        command = commands[number % len(commands)]
        cases.append(Case(f"dataset-{label}-{command[0]}", _dataset_build(template, damage, command), "ds"))
    return cases


def _dataset_build(template: Path, damage: Callable[[Path], None], command: tuple[str, ...]):
    def build(folder: Path) -> list[str]:
        shutil.copytree(template, folder / "ds")
        damage(folder / "ds")
        return [command[0], str(folder / "ds"), *(a.replace("{out}", str(folder / "out.csv")) for a in command[1:])]
    return build
