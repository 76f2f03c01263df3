"""Connectors: extract event logs from case systems into procmine datasets.

`sql` is the generic SQLAlchemy source driven by a YAML config (`config`), `sbsys` the preset
for SBSYS's real schema (`sbsys_schema`, `sbsys_tables`, `sbsys_cases`); both feed
`runner.run_extraction`, which writes incremental, pseudonymised parts and removes events whose
rows were deleted since (`retraction`). `cpr` scrubs CPR numbers; `sbsys_demo*` fill a
database with the SBSYS tables and a simulated workflow.
"""
