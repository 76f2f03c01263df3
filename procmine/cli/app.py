"""The Typer application and the error handling every command shares."""

from __future__ import annotations

import atexit
import os
import sys
from typing import TYPE_CHECKING, Any

import typer
import typer.core

from procmine.errors import ProcmineError

if TYPE_CHECKING:
    # typer vendors click as typer._click; TyperGroup.invoke declares that Context, which typer
    # does not re-export (typer.Context is a subclass of it, too narrow for the override).
    from typer._click.core import Context

_state = {"debug": False}


class _ProcmineGroup(typer.core.TyperGroup):
    """Turns a ProcmineError or an OS error into one line on stderr and exit code 2."""

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except (ProcmineError, OSError) as exc:
            if _state["debug"]:
                raise
            prefix = "Error" if isinstance(exc, ProcmineError) else "File error"
            typer.echo(f"{prefix}: {exc}", err=True)
            ctx.exit(2)
        except (typer.Exit, typer.Abort, typer.TyperException):
            # typer's own (vendored) click exceptions: usage errors, exit and abort keep their meaning.
            # The standalone click package's classes caught here before never reached it.
            raise
        except Exception as exc:  # a bug: say so plainly, never a traceback without --debug
            if _state["debug"]:
                raise
            typer.echo(f"Unexpected error: {type(exc).__name__}: {exc}. This is a bug in procmine; "
                       "run the command again with --debug for the details and report it.", err=True)
            ctx.exit(1)


app = typer.Typer(cls=_ProcmineGroup, no_args_is_help=True, add_completion=False,
                  pretty_exceptions_enable=False,
                  help="procmine: process mining for Danish municipal case workflows.")


@app.callback()
def _options(debug: bool = typer.Option(False, "--debug", help="Show tracebacks of errors.")) -> None:
    _state["debug"] = debug


def main() -> None:
    """Entry point of the `procmine` console script."""
    try:
        app(prog_name="procmine", standalone_mode=True)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
    # Arrow's and DuckDB's native thread pools can abort the process while the interpreter
    # tears down after an error ("terminate called without an active exception", about one
    # run in thirty). Every output is complete and renamed into place by now, so run the
    # Python exit handlers, flush, and leave without the native teardown.
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
