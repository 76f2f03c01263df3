"""The report template and its stylesheet (package data)."""
