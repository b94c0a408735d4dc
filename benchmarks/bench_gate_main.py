"""Benchmark script: one page of content, behind the gate or (BENCH_GATE=off) not."""

import os

import bench_gate_app
import streamlit as st

from authgate.streamlit import Gate, GatePage

bench_gate_app.RUNS[0] += 1


def secret() -> None:
    st.title("Authenticated content")
    st.write("The page a logged-in user came for.")


if os.environ.get("BENCH_GATE", "on") == "off":
    st.navigation([st.Page(secret, title="Secret", url_path="secret", default=True)]).run()
else:
    Gate().run([GatePage(secret, title="Secret", url_path="secret", default=True)])
