"""procmine's Streamlit app for process consultants: `streamlit run app.py` or `procmine app`."""

from procmine.ui.main import run

run()
