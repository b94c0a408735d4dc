"""Chat: any logged-in user; each user sees only their own history.

Messages and the reply (which quotes the display name) are written as text,
never Markdown: both are typed by users, and Markdown would turn them into
links or images on a trusted page.
"""

import streamlit as st
from chat_history import add_message, clear_history, demo_engine, history, reply_to

from authgate.streamlit import require_login

user = require_login()
engine = demo_engine()
st.title("Chat")
for message in history(engine, user.id):
    with st.chat_message(message.author):
        st.text(message.body)
prompt = st.chat_input("Say something", key="demo_chat_input", max_chars=2000)
if prompt:
    answer = reply_to(prompt, name=user.label)
    add_message(engine, user.id, "user", prompt)
    add_message(engine, user.id, "assistant", answer)
    with st.chat_message("user"):
        st.text(prompt)
    with st.chat_message("assistant"):
        st.text(answer)
if st.button("Clear my history", key="demo_chat_clear"):
    clear_history(engine, user.id)
    st.rerun()
