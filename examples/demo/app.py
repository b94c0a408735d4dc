"""The demo's entry point: ``streamlit run examples/demo/app.py``.

``streamlit run`` sees the ``st.App`` below and serves ``main.py`` together
with authgate's cookie routes on the same origin. This module is imported
once per process, so it is also where demo mode seeds its two accounts and
where the chat's visitor hand-off hook is installed.
Settings authgate refuses (demo mode in production among them) stop the demo
here with their message, before any account is created or any page served.
"""

import sys

import streamlit as st
from chat_history import hand_over
from demo_accounts import seed_demo_accounts
from demo_settings import demo_settings

from authgate.errors import ConfigurationError
from authgate.streamlit import gate_routes, get_service

try:
    seed_demo_accounts()
except ConfigurationError as error:
    sys.exit(f"authgate demo: {error.message}")
if not demo_settings().api_url:
    # A visitor who logs in keeps their chat. (In remote mode the hook runs in
    # the API server, which is built by whoever deploys it.)
    get_service().visitors.handoff = hand_over

app = st.App("main.py", routes=gate_routes())
