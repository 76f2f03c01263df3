"""The `procmine` command line: thin commands over the library; errors end in exit code 2."""

from __future__ import annotations

from procmine.cli import (
    analysis_commands,  # noqa: F401  (registers analysis commands)
    animate_command,  # noqa: F401  (registers animate)
    app_command,  # noqa: F401  (registers app and demo)
    audit_command,  # noqa: F401  (registers audit who-saw / verify / prune)
    benchmark_command,  # noqa: F401  (registers benchmark)
    data_commands,  # noqa: F401  (registers commands)
    extract_command,  # noqa: F401  (registers extract commands)
    journeys_command,  # noqa: F401  (registers journeys)
    model_commands,  # noqa: F401  (registers map, discover, conformance)
    predict_command,  # noqa: F401  (registers predict and drivers)
    report_command,  # noqa: F401  (registers report)
    simulate_command,  # noqa: F401  (registers simulate)
)
from procmine.cli.app import app, main  # noqa: F401
