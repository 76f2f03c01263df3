"""`procmine app [DATASET]` and `procmine demo`: start the Streamlit app, bound to 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from procmine.cli.app import app
from procmine.dataset import read_dataset
from procmine.errors import ConfigError, DatasetError
from procmine.i18n import check_language

SCRIPT = Path(__file__).resolve().parents[1] / "ui" / "script.py"


@app.command("app")
def app_command(
    dataset: Path = typer.Argument(None, help="Dataset folder to open (default: the bundled sample logs)."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on; 0.0.0.0 serves everyone on the network."),
    port: int = typer.Option(8501, help="Port to listen on."),
    lang: str = typer.Option("en", help="Language to start in: en or da (switchable in the app)."),
    open_browser: bool = typer.Option(True, "--open-browser/--no-open-browser",
                                      help="Open the app in the default web browser."),
    no_auth: bool = typer.Option(False, "--no-auth", help="Serve beyond this machine without sign-in "
                                 "(only behind a proxy that authenticates; see README, Serving)."),
) -> None:
    """Start the app for process consultants on DATASET or on the bundled sample logs."""
    from procmine.ui import state  # here, not at the top: Streamlit takes a second to import
    _require_sign_in(host, no_auth)
    environment: dict[str, str] = {state.LANG_ENV: check_language(lang)}
    if dataset is not None:
        read_dataset(dataset)  # a wrong folder fails here, with its message, before the server starts
        environment[state.DATASET_ENV] = str(dataset.resolve())
    else:
        _require_samples()
    serve(host, port, open_browser, environment)


@app.command("demo")
def demo_command(
    port: int = typer.Option(8501, help="Port to listen on."),
    lang: str = typer.Option("en", help="Language to start in: en or da."),
    open_browser: bool = typer.Option(True, "--open-browser/--no-open-browser",
                                      help="Open the app in the default web browser."),
) -> None:
    """Start the app on the bundled sample logs (what `make demo` runs)."""
    from procmine.ui import state
    _require_samples()
    serve("127.0.0.1", port, open_browser, {state.LANG_ENV: check_language(lang)})


def serve(host: str, port: int, open_browser: bool, environment: dict[str, str]) -> None:
    """Run `streamlit run` on the app script until it is stopped (Ctrl+C); on POSIX in this process."""
    if not 0 < port < 65536:
        raise ConfigError(f"--port {port} is not a port number; use 1-65535, e.g. --port 8501.")
    if host not in ("127.0.0.1", "localhost", "::1"):
        from procmine.ui.auth import sign_in_problem
        if sign_in_problem() is not None:
            typer.echo(f"Warning: serving on {host} without sign-in: anyone who can reach this machine "
                       f"on port {port} sees the data unless a proxy authenticates them.", err=True)
    command = [sys.executable, "-m", "streamlit", "run", str(SCRIPT),
               "--server.address", host, "--server.port", str(port),
               # Headless always: otherwise Streamlit's first run asks for an e-mail address on
               # stdin, which fails without a terminal (`make demo` in CI, a service).
               "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
               # No "Deploy" button or developer menu for the people using the app.
               "--client.toolbarMode", "viewer",
               "--browser.serverAddress",
               "localhost" if host in ("127.0.0.1", "::1") else host]
    typer.echo(f"procmine app on http://{'localhost' if host == '127.0.0.1' else host}:{port} "
               "(Ctrl+C stops it)")
    environment = {**os.environ, **environment}
    if open_browser:
        _open_browser_soon(f"http://{'localhost' if host in ('127.0.0.1', '::1') else host}:{port}")
    if os.name == "posix":
        # Become the server, so that Ctrl+C, SIGTERM or a service manager reach Streamlit itself
        # and no orphaned server is left behind.
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, command, environment)
    try:
        completed = subprocess.run(command, env=environment, check=False)
    except KeyboardInterrupt:
        return
    if completed.returncode not in (0, -2, 130):
        raise typer.Exit(completed.returncode)


_OPEN_LATER = "import sys, time, webbrowser; time.sleep(3); webbrowser.open(sys.argv[1])"


def _open_browser_soon(url: str) -> None:
    """Open `url` in the desktop's browser once the server is up; nothing without a desktop."""
    desktop = sys.platform in ("darwin", "win32") or os.environ.get("DISPLAY") \
        or os.environ.get("WAYLAND_DISPLAY")
    if desktop:
        subprocess.Popen([sys.executable, "-c", _OPEN_LATER, url], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _require_sign_in(host: str, no_auth: bool) -> None:
    """Refuse to serve the network without sign-in configured, unless --no-auth says so."""
    from procmine.ui.auth import sign_in_problem
    problem = None if host in ("127.0.0.1", "localhost", "::1") or no_auth else sign_in_problem()
    if problem:
        raise ConfigError(f"--host {host} serves the case data to the network, but sign-in is not "
                          f"configured ({problem}). Configure OpenID Connect in .streamlit/secrets.toml "
                          "(see README, Serving), or give --no-auth if a proxy authenticates every user.")


def _require_samples() -> None:
    from procmine.ui import state
    if not state.sample_datasets():
        raise DatasetError(
            f"No sample logs in {state.samples_dir()}. Create them with `procmine simulate` "
            "(or name a dataset folder: `procmine app FOLDER`).")
