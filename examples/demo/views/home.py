"""Home: public. Greets visitors and, in demo mode, tells them how to log in.

The greeting is written with ``st.text``, not ``st.write``: a display name is
chosen by its user, and as Markdown ``[Reset your password](https://evil.example)``
would become a link on a trusted page.
"""

import streamlit as st
from demo_accounts import DEMO_ACCOUNTS
from demo_settings import demo_settings

from authgate.streamlit import current_user

user = current_user()
st.title("authgate demo")
if user is None:
    st.write(
        "A multi-page Streamlit app behind authgate. Anyone may chat; "
        "log in to see the Dashboard (register to keep your chat)."
    )
    settings = demo_settings()
    if settings.demo_mode and not settings.api_url:
        logins = ", ".join(f"`{a.username}` / `{a.password}`" for a in DEMO_ACCOUNTS)
        st.info(f"Demo mode: log in as {logins}.")
        if settings.mail_dir is not None:
            st.caption(
                "Mail (password-reset and verification links) is not sent in demo mode: "
                f"it is written as .eml files to `{settings.mail_dir.resolve()}` on the server."
            )
else:
    st.text(f"Welcome, {user.label}. Your roles: {', '.join(sorted(user.roles))}.")
