"""The browser's date fields in the app's language: month names, week start and date order.

Streamlit's date picker takes its locale from the browser (navigator.language), not
from the app. This sets that language to the one chosen in the app (da-DK: Danish
months, weeks from Monday), so a Danish app shows a Danish calendar in any browser.
"""

from __future__ import annotations

import streamlit as st

from procmine.formatting import Language

BROWSER_LOCALES = {"en": "en-GB", "da": "da-DK"}

_SCRIPT = """<script>
(() => {{
  const wanted = "{locale}";
  if (navigator.language === wanted) return;
  for (const name of ["language", "languages"]) {{
    Object.defineProperty(navigator, name, {{
      configurable: true, get: () => (name === "language" ? wanted : [wanted])}});
  }}
  document.documentElement.lang = wanted.slice(0, 2);
}})();
</script>"""


def set_browser_language(lang: Language) -> None:
    """Make the browser's date fields speak `lang` (en or da) from this run on."""
    locale = BROWSER_LOCALES.get(lang, BROWSER_LOCALES["en"])
    with st.container(key="procmine-browser-language", height=1, border=False):
        st.html(_SCRIPT.format(locale=locale), unsafe_allow_javascript=True)
