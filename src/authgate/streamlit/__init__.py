"""The Streamlit gate: who this browser is, which pages it may see, the built-in pages.

Entry script (``app.py``, started with ``streamlit run app.py``)::

    import streamlit as st
    from authgate.streamlit import gate_routes

    app = st.App("main.py", routes=gate_routes())

Script (``main.py``)::

    from authgate.streamlit import Gate, GatePage

    gate = Gate()
    gate.run([
        GatePage("home.py", title="Home", public=True, default=True),
        GatePage("chat.py", title="Chat"),
        gate.account_page(),
        gate.admin_page(),
    ])

Inside a page: ``current_user()``, ``require_login()``, ``require_role("admin")``;
``current_visitor()`` / ``ensure_visitor()`` for data kept for whoever is at the
keyboard, logged in or not (handed to the account at login).
"""

from authgate.streamlit.backend import AuthBackend
from authgate.streamlit.factory import get_backend, get_service
from authgate.streamlit.gate import Gate
from authgate.streamlit.guards import current_user, require_login, require_role
from authgate.streamlit.in_process import InProcessBackend
from authgate.streamlit.pages import GatePage
from authgate.streamlit.routes import gate_routes
from authgate.streamlit.visitors import current_visitor, ensure_visitor

__all__ = [
    "AuthBackend",
    "Gate",
    "GatePage",
    "InProcessBackend",
    "current_user",
    "current_visitor",
    "ensure_visitor",
    "gate_routes",
    "get_backend",
    "get_service",
    "require_login",
    "require_role",
]
