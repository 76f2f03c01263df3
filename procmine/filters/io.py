"""Filter stacks as JSON or YAML: the form the app's sidebar, a saved view and a report config share.

A stack is a list of objects such as `{"kind": "endpoints", "start": [...], "invert": false}`;
unknown kinds and unknown keys are FilterErrors.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml

from procmine.atomic import atomic_file
from procmine.errors import FilterError
from procmine.filters.base import REGISTRY, Filter


def filter_from_dict(data: object, where: str = "filter") -> Filter:
    """One filter from its serialised form."""
    if not isinstance(data, dict):
        raise FilterError(f"{where}: expected an object with a 'kind', got {data!r}. "
                          'Write e.g. {"kind": "endpoints", "start": ["Ansøgning modtaget"]}.')
    kind = data.get("kind")
    if kind not in REGISTRY:
        raise FilterError(f"{where}: unknown filter kind {kind!r}. "
                          f"Use one of {', '.join(sorted(REGISTRY))}.")
    try:
        return REGISTRY[kind](**data)
    except FilterError as exc:
        raise FilterError(f"{where}: {exc}") from None


def filters_from_data(data: object, where: str = "filters") -> list[Filter]:
    """A filter stack from a list of serialised filters."""
    if not isinstance(data, list):
        raise FilterError(f"{where}: expected a list of filters, got {type(data).__name__}. "
                          "Write the stack as a list, e.g. [{\"kind\": ...}].")
    return [filter_from_dict(item, f"{where}[{number}]") for number, item in enumerate(data)]


def filters_to_json(filters: list[Filter]) -> str:
    """The stack as JSON text."""
    return json.dumps([f.to_dict() for f in filters], ensure_ascii=False, indent=2)


def filters_from_json(text: str, where: str = "filters") -> list[Filter]:
    """A stack from JSON text."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise FilterError(f"{where}: not valid JSON ({exc}). Check the brackets and quotes.") from None
    return filters_from_data(data, where)


def filters_to_yaml(filters: list[Filter]) -> str:
    """The stack as YAML text."""
    return yaml.safe_dump([f.to_dict() for f in filters], allow_unicode=True, sort_keys=False)


def filters_from_yaml(text: str, where: str = "filters") -> list[Filter]:
    """A stack from YAML text."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FilterError(f"{where}: not valid YAML ({exc}). Check the indentation.") from None
    return filters_from_data([] if data is None else data, where)


def load_filters(path: str | os.PathLike) -> list[Filter]:
    """Read a stack from a .json, .yaml or .yml file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FilterError(f"{path}: cannot read the filter file ({exc.strerror}). Check the path.") from None
    if path.suffix.lower() == ".json":
        return filters_from_json(text, str(path))
    return filters_from_yaml(text, str(path))


def save_filters(filters: list[Filter], path: str | os.PathLike) -> None:
    """Write a stack to a .json or .yaml/.yml file, atomically."""
    path = Path(path)
    text = filters_to_json(filters) + "\n" if path.suffix.lower() == ".json" else filters_to_yaml(filters)
    with atomic_file(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")


def save_filters_text(filters: list[Filter]) -> str:
    """The stack as the JSON text `load_filters` and `parse_filters_text` read back."""
    return filters_to_json(filters)


def parse_filters_text(text: str, origin: str = "filters") -> list[Filter]:
    """A stack from JSON or YAML text (JSON when it starts with '[')."""
    if text.lstrip().startswith("["):
        return filters_from_json(text, origin)
    return filters_from_yaml(text, origin)
