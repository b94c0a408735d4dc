"""A small gated app for AppTest: its backend comes from a hooks module the test installs."""

import sys

import streamlit as st

from authgate.streamlit import Gate, GatePage, current_user, require_role

hooks = sys.modules["authgate_gate_test_hooks"]
gate = Gate(hooks.settings, backend=hooks.backend)


def home() -> None:
    st.title("Home page")


def secret() -> None:
    user = current_user()
    st.title("Secret page")
    st.write(f"secret for {user.username if user else '?'}")


def staff() -> None:
    require_role("staff")
    st.title("Staff page")


gate.run(
    [
        GatePage(home, title="Home", url_path="home", public=True, default=True),
        GatePage(secret, title="Secret", url_path="secret"),
        GatePage(staff, title="Staff", url_path="staff", roles=("staff",)),
        gate.account_page(),
        gate.admin_page(),
    ]
)
