"""The demo's Chat page writes messages and the display name as text, not Markdown.

A display name and a chat message are typed by users. Written as Markdown,
``[Reset your password](https://evil.example)`` became a link in the bot's
greeting on a trusted page; as text it is shown exactly as typed.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

CHAT = Path(__file__).resolve().parents[2] / "examples" / "demo" / "views" / "chat.py"
HOSTILE = "**Ada** [Reset your password](https://evil.example/reset) ![x](https://evil.example/i)"


@pytest.mark.usefixtures("demo_env")
def test_the_greeting_and_the_messages_are_written_verbatim(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = SimpleNamespace(id=7, label=HOSTILE, roles=frozenset({"user"}))
    monkeypatch.setattr("authgate.streamlit.current_user", lambda: user)
    monkeypatch.setattr("authgate.streamlit.current_visitor", lambda: "user:7")
    monkeypatch.setattr("authgate.streamlit.ensure_visitor", lambda: "user:7")
    app = AppTest.from_file(str(CHAT), default_timeout=30).run()
    assert not app.exception
    app.chat_input(key="demo_chat_input").set_value("hello").run()
    assert not app.exception
    texts = [element.value for element in app.text]
    assert f"Hello {HOSTILE}! Ask me for the time, or say anything and I will echo it." in texts
    app.chat_input(key="demo_chat_input").set_value(HOSTILE).run()
    texts = [element.value for element in app.text]
    assert HOSTILE in texts and f"You said: {HOSTILE}" in texts
    assert all("evil.example" not in element.value for element in app.markdown)
