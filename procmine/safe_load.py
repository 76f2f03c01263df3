"""The one way procmine reads YAML and JSON files a user gives it: bounded, strict, well placed.

Filter files, report configs and connector configs all come through here. A file is read
only up to a size limit; its bytes must be UTF-8 (with or without BOM) or UTF-16 with a
BOM, and a byte that is not says its line and column. YAML anchors and aliases are
allowed, but what they expand to is counted before anything is built, so an alias bomb
(billion laughs) or an alias loop is refused at once. Numbers that Python would turn into
inf or nan, and integers beyond 64 bits, are refused rather than passed on changed.
"""

from __future__ import annotations

import codecs
import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from procmine.errors import ConfigError, ProcmineError, one_line

MAX_YAML_BYTES = 2 << 20       # composing YAML costs about 0.7 s per MiB
MAX_JSON_BYTES = 32 << 20
MAX_VALUES = 1_000_000          # values after expanding aliases
MAX_DEPTH = 200
_INT64 = 1 << 63


def _timestamp_or_error(constructor, node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(constructor, node)
    except (ValueError, OverflowError) as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a real date ({exc}); quote it if it is text",
            node.start_mark) from None


if TYPE_CHECKING:
    _SafeBase = yaml.SafeLoader
else:  # the C safe loader when PyYAML was built with libyaml
    _SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):
    """The C safe loader when there is one; a bad date says where it is."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_error)


def read_text(path: str | os.PathLike, what: str, error: type[ProcmineError] = ConfigError,
              max_bytes: int = MAX_YAML_BYTES) -> str:
    """The text of a small file: size-limited, decoded from UTF-8 (or UTF-16 with BOM), placed errors."""
    path = Path(path)
    try:
        with open(path, "rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror or exc}). Check the path.") from None
    if len(data) > max_bytes:
        raise error(f"{path}: the {what} is larger than {max_bytes // (1 << 20)} MiB, more than any "
                    f"{what} needs. Check that it is the right file.")
    return decode(data, path, what, error)


def decode(data: bytes, path: object, what: str, error: type[ProcmineError] = ConfigError) -> str:
    """Bytes as text: UTF-8 (BOM dropped) or UTF-16 with BOM; else the place of the first bad byte."""
    encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise error(f"{path}: the {what} is not {encoding.removesuffix('-sig').upper()} text: byte "
                    f"0x{data[exc.start]:02X} at line {line}, column {column} cannot be read. "
                    "Save the file as UTF-8.") from None


def load_yaml(path: str | os.PathLike, what: str, error: type[ProcmineError] = ConfigError) -> object:
    """A YAML file's value (None when it holds nothing), read safely; see load_yaml_text."""
    return load_yaml_text(read_text(path, what, error), str(path), what, error)


def load_yaml_text(text: str, where: str, what: str = "YAML", error: type[ProcmineError] = ConfigError) -> object:
    """The value of YAML text: plain types only, aliases counted, no inf/nan, no int beyond 64 bits."""
    if len(text) > MAX_YAML_BYTES:
        raise error(f"{where}: the {what} is larger than {MAX_YAML_BYTES >> 20} MiB. Check that it is the right text.")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, where, what, error)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise error(f"{where}: the {what} is not valid YAML: {problem}{at}. Fix the file there "
                    "(check the indentation, quotes and brackets).") from None
    except yaml.reader.ReaderError as exc:   # a character YAML does not allow, e.g. a NUL byte
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise error(f"{where}: the {what} holds the character {exc.character!r}, which YAML does not "
                    f"allow, at line {line}, column {column}. Remove it, or save the file as UTF-8 text.") from None
    except yaml.YAMLError as exc:
        raise error(f"{where}: the {what} is not valid YAML ({one_line(exc)}). Fix the file.") from None
    except RecursionError:
        raise error(f"{where}: the {what} is nested more than {MAX_DEPTH} levels deep. "
                    "Write it flatter.") from None
    except (ValueError, OverflowError, TypeError) as exc:
        raise error(f"{where}: the {what} holds a value YAML cannot build ({one_line(exc)}). "
                    "Quote the value if it is meant as text, or correct it.") from None
    finally:
        loader.dispose()
    check_plain_numbers(data, where, error)
    return data


def load_json_text(text: str, where: str, what: str = "JSON", error: type[ProcmineError] = ConfigError) -> object:
    """The value of JSON text; NaN, Infinity, overflowing numbers and deep nesting are errors."""
    if len(text) > MAX_JSON_BYTES:
        raise error(f"{where}: the {what} is larger than {MAX_JSON_BYTES >> 20} MiB. Check that it is the right text.")

    def refuse(constant: str):
        raise ValueError(f"{constant} is not a number JSON allows")

    try:
        data = json.loads(text, parse_constant=refuse)
    except json.JSONDecodeError as exc:
        raise error(f"{where}: the {what} is not valid JSON: {exc.msg} at line {exc.lineno}, column "
                    f"{exc.colno}. Check the brackets, commas and quotes there.") from None
    except RecursionError:
        raise error(f"{where}: the {what} is nested too deeply. Write it flatter.") from None
    except ValueError as exc:
        raise error(f"{where}: the {what} holds {exc}. Write a finite number.") from None
    check_plain_numbers(data, where, error)
    return data


def check_plain_numbers(data: object, where: str, error: type[ProcmineError] = ConfigError) -> None:
    """Refuse inf/nan floats and integers beyond 64 bits anywhere in loaded data (no recursion)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise error(f"{where}: nested more than {MAX_DEPTH} levels deep. Write it flatter.")
        if isinstance(value, bool):
            continue
        if isinstance(value, float) and not math.isfinite(value):
            raise error(f"{where}: the number {value!r} is not finite (a value beyond ±1.8e308 reads as "
                        "inf). Write a finite number, or quote it if it is text.")
        if isinstance(value, int) and not -_INT64 <= value < _INT64:
            raise error(f"{where}: the number {value} does not fit in 64 bits. Quote it if it is text "
                        "(e.g. an id).")
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, (list, tuple)):
            stack.extend((item, depth + 1) for item in value)


def _check_expansion(root: yaml.Node, where: str, what: str, error: type[ProcmineError]) -> None:
    """Count the values the node graph expands to (aliases included); refuse loops and bombs."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool, int]] = [(root, False, 0)]
    while stack:
        node, finished, depth = stack.pop()
        key = id(node)
        if finished:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_VALUES:
                raise error(f"{where}: the {what}'s anchors and aliases expand to more than {MAX_VALUES:,} "
                            "values; this looks like an alias bomb and is refused. Write the values out.")
            continue
        if key in sizes:
            continue
        if depth > MAX_DEPTH:
            raise error(f"{where}: the {what} is nested more than {MAX_DEPTH} levels deep. Write it flatter.")
        _check_unique_keys(node, where, what, error)
        on_path.add(key)
        stack.append((node, True, depth))
        for child in _children(node):
            if id(child) in on_path:
                mark = child.start_mark
                raise error(f"{where}: the {what} has an alias that refers to itself (line {mark.line + 1}). "
                            "Remove the loop.")
            if id(child) not in sizes:
                stack.append((child, False, depth + 1))


def _check_unique_keys(node: yaml.Node, where: str, what: str, error: type[ProcmineError]) -> None:
    """A key written twice in one mapping is refused: YAML would silently keep only the last."""
    if not isinstance(node, yaml.MappingNode):
        return
    seen: set[tuple[str, str]] = set()
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value != "<<":
            name = (key.tag, key.value)
            if name in seen:
                raise error(f"{where}: the {what} has the key {key.value!r} twice in one mapping (line "
                            f"{key.start_mark.line + 1}). Keep one of them.")
            seen.add(name)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [item for pair in node.value for item in pair]
    return []

