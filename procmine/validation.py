"""One way to check typed options: pydantic's ValidationError as one line that names key, value and fix.

    options = validated(TokenOptions, {"colour_by": "mood"}, ConfigError, "animation options")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from procmine.errors import ProcmineError

M = TypeVar("M", bound=BaseModel)
UNKNOWN_KEY = "unknown key; remove it or check the spelling"


def problems(exc: ValidationError, unknown_key: str = UNKNOWN_KEY, whole: str = "value",
             show_values: bool = True) -> str:
    """"key: what is wrong (got value); ..." for every error pydantic found.

    `show_values=False` leaves the values out (a config whose values may hold a password)."""
    parts = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or whole
        message = unknown_key if error["type"] == "extra_forbidden" \
            else str(error["msg"]).removeprefix("Value error, ")
        given = error.get("input")
        hidden = not show_values or error["type"] == "missing" or isinstance(given, dict)
        shown = "" if hidden else f" (got {given!r})"
        parts.append(f"{key}: {message}{shown}")
    return "; ".join(parts)


def validated(model: type[M], data: Any, error: type[ProcmineError], where: str, hint: str = "",
              **wording: Any) -> M:
    """`model` checked from `data`; `error` naming `where`, every problem and `hint` when it does not fit.

    `wording` goes to `problems` (unknown_key, whole, show_values)."""
    return checked(lambda: model.model_validate(data), error, where, hint, **wording)


def checked(build: Callable[[], M], error: type[ProcmineError], where: str, hint: str = "",
            **wording: Any) -> M:
    """The model `build()` gives; a ValidationError becomes `error` (see `validated`)."""
    try:
        return build()
    except ValidationError as exc:
        text = f"{where}: {problems(exc, **wording)}."
        raise error(text + (f" {hint.rstrip('.')}." if hint else "")) from None
