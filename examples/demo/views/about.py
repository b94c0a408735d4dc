"""About: public, the same for everyone."""

import streamlit as st

st.title("About")
st.markdown(
    "This demo shows authgate guarding a Streamlit multi-page app: logins that survive "
    "reloads, new tabs and server restarts (an HttpOnly session cookie), pages filtered by "
    "role, and an Account page to manage your password and sessions."
)
