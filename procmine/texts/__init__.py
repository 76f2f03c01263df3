"""User-visible texts in English and Danish, one YAML file per face (read by procmine.i18n)."""
