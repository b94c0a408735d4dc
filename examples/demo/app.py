"""The demo's entry point: ``streamlit run examples/demo/app.py``.

``streamlit run`` sees the ``st.App`` below and serves ``main.py`` together
with authgate's cookie routes on the same origin, and every response with
authgate's browser headers (no framing by other sites, no MIME sniffing). This module is imported
once per process, so it is also where demo mode seeds its two accounts.
Settings authgate refuses (demo mode in production among them) stop the demo
here with their message, before any account is created or any page served.
"""

import sys

import streamlit as st
from demo_accounts import seed_demo_accounts

from authgate.errors import ConfigurationError
from authgate.streamlit import gate_middleware, gate_routes

try:
    seed_demo_accounts()
except ConfigurationError as error:
    sys.exit(f"authgate demo: {error.message}")

app = st.App("main.py", routes=gate_routes(), middleware=gate_middleware())
