"""A small gated app for AppTest with a public page that keeps something for its visitor."""

import sys

import streamlit as st

from authgate.streamlit import Gate, GatePage, current_visitor, ensure_visitor

hooks = sys.modules["authgate_gate_test_hooks"]
gate = Gate(hooks.settings, backend=hooks.backend)


def notes() -> None:
    st.title("Notes")
    st.write(f"owner: {current_visitor()}")
    if st.button("Keep", key="keep"):
        st.write(f"kept for {ensure_visitor()}")


gate.run(
    [
        GatePage(notes, title="Notes", url_path="notes", public=True, default=True),
        gate.account_page(),
    ]
)
