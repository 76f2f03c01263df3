"""The one exception family of procmine: every message says what, where and what to do."""

from __future__ import annotations


class ProcmineError(Exception):
    """Base of every error procmine reports to a user.

    The message must name what failed, the offending value, where it happened
    (file, row, column, config key) and what would fix it.
    """


class ConfigError(ProcmineError):
    """A configuration file or option is invalid."""


class LogValidationError(ProcmineError):
    """An input event log cannot be read or does not have the required shape."""


class DatasetError(ProcmineError):
    """A dataset folder is missing, damaged or of an unknown schema version."""


class FilterError(ProcmineError):
    """A filter has an invalid or unknown value."""


class ConnectorError(ProcmineError):
    """A connector could not extract from its source."""


class ModelError(ProcmineError):
    """A process model cannot be read, discovered or checked."""


class OutputFolderError(ProcmineError):
    """An output would be written into a folder that does not exist."""


def located(message: str, *, file: object = None, row: int | None = None,
            column: str | None = None, hint: str | None = None) -> str:
    """Join a message with where it happened and what to do, in one sentence each."""
    where = []
    if file is not None:
        where.append(f"file {file}")
    if row is not None:
        where.append(f"row {row}")
    if column is not None:
        where.append(f"column {column!r}")
    text = message.rstrip(".")
    if where:
        text += f" ({', '.join(where)})"
    text += "."
    if hint:
        text += " " + hint.rstrip(".") + "."
    return text


def one_line(value: object) -> str:
    """Text of an exception or value on one line: a library's message may hold line breaks."""
    return " ".join(str(value).split())


class AccessError(ProcmineError):
    """The signed-in user's role does not allow what was asked (a dataset, a case)."""
