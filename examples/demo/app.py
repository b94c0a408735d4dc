"""The demo's entry point: ``streamlit run examples/demo/app.py``.

``streamlit run`` sees the ``st.App`` below and serves ``main.py`` together
with authgate's cookie routes on the same origin. This module is imported
once per process, so it is also where demo mode seeds its two accounts.
"""

import streamlit as st
from demo_accounts import seed_demo_accounts

from authgate.streamlit import gate_routes

seed_demo_accounts()

app = st.App("main.py", routes=gate_routes())
