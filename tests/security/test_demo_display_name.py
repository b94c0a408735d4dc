"""Issue 10, item 12: the demo's Home page shows a display name as text, not Markdown.

A display name is chosen by its user. Written as Markdown,
``[Reset your password](https://evil.example)`` became a link on the demo's
trusted Home page; as text it is shown exactly as typed.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

HOME = Path(__file__).resolve().parents[2] / "examples" / "demo" / "views" / "home.py"
HOSTILE = "**Ada** [Reset your password](https://evil.example/reset) <img src=x onerror=alert(1)>"


@pytest.mark.usefixtures("demo_env")
@pytest.mark.parametrize("name", [HOSTILE, "Ada_Lovelace *", "# heading", "`code`"])
def test_the_greeting_writes_the_display_name_verbatim(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    user = SimpleNamespace(label=name, roles=frozenset({"user", "admin"}))
    monkeypatch.setattr("authgate.streamlit.current_user", lambda: user)
    app = AppTest.from_file(str(HOME), default_timeout=30).run()
    assert not app.exception
    greetings = [element.value for element in app.text]
    assert greetings == [f"Welcome, {name}. Your roles: admin, user."]
    assert all(name not in element.value for element in app.markdown)


@pytest.mark.usefixtures("demo_env")
def test_an_anonymous_visitor_gets_no_greeting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("authgate.streamlit.current_user", lambda: None)
    app = AppTest.from_file(str(HOME), default_timeout=30).run()
    assert not app.exception
    assert list(app.text) == []
    assert app.title[0].value == "authgate demo"
