"""Filter stacks as JSON or YAML: the form the app's sidebar, a saved view and a report config share.

A stack is a list of objects such as `{"kind": "endpoints", "start": [...], "invert": false}`;
unknown kinds and unknown keys are FilterErrors. Files and texts are read through
procmine.safe_load (size limit, encoding, alias bombs, inf and overflowing numbers).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml

from procmine.atomic import atomic_file
from procmine.errors import FilterError
from procmine.filters.base import REGISTRY, Filter
from procmine.safe_load import MAX_JSON_BYTES, MAX_YAML_BYTES, load_json_text, load_yaml_text, read_text


class _PlainDumper(yaml.SafeDumper):
    """Writes every value out in full, never as an anchor and alias."""

    def ignore_aliases(self, data) -> bool:
        return True


def filter_from_dict(data: object, where: str = "filter") -> Filter:
    """One filter from its serialised form."""
    if not isinstance(data, dict):
        raise FilterError(f"{where}: expected an object with a 'kind', got {data!r}. "
                          'Write e.g. {"kind": "endpoints", "start": ["Ansøgning modtaget"]}.')
    strange = [key for key in data if not isinstance(key, str)]
    if strange:
        raise FilterError(f"{where}: the key {strange[0]!r} is not text. Filter keys are names such as "
                          "'kind', 'between' or 'invert'.")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in REGISTRY:
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
    return filters_from_data(load_json_text(text, where, "filter stack", FilterError), where)


def filters_to_yaml(filters: list[Filter]) -> str:
    """The stack as YAML text."""
    return yaml.dump([f.to_dict() for f in filters], Dumper=_PlainDumper, allow_unicode=True,
                     sort_keys=False)


def filters_from_yaml(text: str, where: str = "filters") -> list[Filter]:
    """A stack from YAML text."""
    data = load_yaml_text(text, where, "filter stack", FilterError)
    return filters_from_data([] if data is None else data, where)


def load_filters(path: str | os.PathLike) -> list[Filter]:
    """Read a stack from a .json, .yaml or .yml file."""
    path = Path(path)
    is_json = path.suffix.lower() == ".json"
    text = read_text(path, "filter file", FilterError, MAX_JSON_BYTES if is_json else MAX_YAML_BYTES)
    if is_json:
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
