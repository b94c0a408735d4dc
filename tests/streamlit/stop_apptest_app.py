"""A gated app whose only page ends with ``st.stop()`` (the cookie must still go out)."""

import sys

import streamlit as st

from authgate.streamlit import Gate, GatePage

hooks = sys.modules["authgate_gate_test_hooks"]
gate = Gate(hooks.settings, backend=hooks.backend)


def stops() -> None:
    st.title("Stopping page")
    st.stop()


gate.run([GatePage(stops, title="Stops", url_path="stops", default=True)])
