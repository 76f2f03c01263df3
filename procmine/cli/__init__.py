"""The `procmine` command line: thin commands over the library; errors end in exit code 2."""

from __future__ import annotations

from procmine.cli.app import app, main  # noqa: F401
from procmine.cli import data_commands  # noqa: F401  (registers commands)
from procmine.cli import app_command  # noqa: F401  (registers app and demo)
from procmine.cli import extract_command  # noqa: F401  (registers extract commands)
from procmine.cli import simulate_command  # noqa: F401  (registers simulate)
from procmine.cli import analysis_commands  # noqa: F401  (registers analysis commands)
from procmine.cli import model_commands  # noqa: F401  (registers map, discover, conformance)
from procmine.cli import report_command  # noqa: F401  (registers report)
from procmine.cli import predict_command  # noqa: F401  (registers predict and drivers)
from procmine.cli import journeys_command  # noqa: F401  (registers journeys)
from procmine.cli import audit_command  # noqa: F401  (registers audit who-saw / verify / prune)
from procmine.cli import animate_command  # noqa: F401  (registers animate)
from procmine.cli import benchmark_command  # noqa: F401  (registers benchmark)
