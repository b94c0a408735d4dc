"""The plain cookie-component pattern, as many Streamlit apps write it by hand.

Needs ``pip install extra-streamlit-components`` (not an authgate dependency).
A visitor without a session sees the form; a right password opens a session,
has the component write its token to a cookie, and the content is drawn in
the same run. On a later visit the component reads the cookie back.
"""

import secrets

import _trace
import bench_browser_login_peer_app as shared
import extra_streamlit_components as stx
import streamlit as st
from argon2.exceptions import VerificationError

shared.RUNS[0] += 1
_trace.mark("peer script start")
cookies = stx.CookieManager(key="peer_cookies")
user = st.session_state.get("peer_user")
if user is None:
    token = cookies.get("peer_session")
    user = shared.SESSIONS.get(token) if token else None
    if user is not None:
        st.session_state["peer_user"] = user

if user is None:
    slot = st.empty()
    with slot.form("peer_login"):
        name = st.text_input("Username")
        password = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Log in")
    if submitted:
        _trace.mark("peer verify start")
        try:
            shared.HASHER.verify(shared.HASHES.get(name, ""), password)
        except (VerificationError, Exception):
            st.error("Incorrect username or password.")
        else:
            token = secrets.token_urlsafe(32)
            shared.SESSIONS[token] = name
            cookies.set("peer_session", token, key="peer_set", same_site="lax")
            st.session_state["peer_user"] = user = name
            slot.empty()

if user is not None:
    _trace.mark("peer page start")
    st.title("Authenticated content")
    st.write("The page a logged-in user came for.")
_trace.mark("peer script end")
