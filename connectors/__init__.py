"""Connectors: extract event logs from case systems into procmine datasets.

`sql` is the generic SQLAlchemy source driven by a YAML config (`config`), `sbsys` the preset
for SBSYS; both feed `runner.run_extraction`, which writes incremental, pseudonymised parts.
"""
