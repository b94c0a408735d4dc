"""Translations of the gate's texts and of the core's error messages, one module per language.

Each module holds ``TEXTS`` (the names of ``authgate.streamlit.texts``) and
``ERRORS`` (error and password-policy codes). English is ``texts`` itself and
the core's own messages. A name missing here falls back to English at run
time; ``tests/streamlit/test_i18n.py`` fails until every language has every
name, with the same ``{placeholders}``.
"""
