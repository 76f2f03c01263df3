"""The Streamlit app: one module per page, the filter stack in the sidebar, shared session state."""
