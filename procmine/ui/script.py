"""The script `procmine app` hands to `streamlit run` (the same app as the top-level app.py)."""

from procmine.ui.main import run

run()
