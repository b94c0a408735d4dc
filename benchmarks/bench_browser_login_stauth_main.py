"""streamlit-authenticator's login as its README shows it (bcrypt, its JWT cookie).

``login_sleep_time=0`` turns off its 0.7 s pause before the form, so what is
measured is its login, not a sleep.
"""

import os

import bench_browser_login_stauth_app as shared
import streamlit as st
import streamlit_authenticator as stauth

shared.RUNS[0] += 1
if "stauth" not in st.session_state:
    credentials = {
        "usernames": {
            os.environ["BENCH_USER"]: {"email": "b@ex.com", "name": "B", "password": shared.HASHED}
        }
    }
    st.session_state["stauth"] = credentials
authenticator = stauth.Authenticate(
    st.session_state["stauth"],
    "stauth_bench",
    "a-benchmark-signing-key-of-enough-length",
    1,
    auto_hash=False,
    login_sleep_time=0,
)
authenticator.login(location="main")
if st.session_state.get("authentication_status"):
    st.title("Authenticated content")
    st.write("The page a logged-in user came for.")
