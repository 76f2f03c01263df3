"""An example report.yaml (package data)."""
