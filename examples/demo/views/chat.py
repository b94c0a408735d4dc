"""Chat: public. Visitors chat too; registering or logging in keeps their conversation.

Messages are kept under ``current_visitor()``: the user's key once logged in,
otherwise an anonymous visitor's, started only when the first message is
sent (``ensure_visitor()``). At login authgate hands the visitor's messages
to the account (``chat_history.hand_over``, installed in ``app.py``).
"""

import streamlit as st
from chat_history import add_message, clear_history, demo_engine, history, reply_to

from authgate.errors import AuthgateError
from authgate.streamlit import current_user, current_visitor, ensure_visitor

user = current_user()
engine = demo_engine()
st.title("Chat")
if user is None:
    st.info("You are chatting as a visitor. Register or log in to keep this conversation.")
for message in history(engine, current_visitor()):
    with st.chat_message(message.author):
        st.write(message.body)
prompt = st.chat_input("Say something", key="demo_chat_input", max_chars=2000)
if prompt:
    try:
        owner = ensure_visitor()
    except AuthgateError as error:
        st.error(error.message)
        st.stop()
    answer = reply_to(prompt, name=user.label if user is not None else "visitor")
    add_message(engine, owner, "user", prompt)
    add_message(engine, owner, "assistant", answer)
    with st.chat_message("user"):
        st.write(prompt)
    with st.chat_message("assistant"):
        st.write(answer)
owner = current_visitor()
if owner is not None and st.button("Clear my history", key="demo_chat_clear"):
    clear_history(engine, owner)
    st.rerun()
