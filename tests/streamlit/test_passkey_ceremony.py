"""The passkey component's data: strings only (the options as their JSON text).

Any other value makes Streamlit check it for a dataframe, which imports
pandas and pyarrow into the server (``gc_freeze`` says why that matters).
"""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

_CEREMONY = """
from datetime import UTC, datetime, timedelta
from authgate.streamlit.passkey_ceremony import Ceremony, run_ceremony, start_ceremony

expires = datetime.now(UTC) + timedelta(minutes=5)
start_ceremony(Ceremony("login", "get", "a-challenge-id", '{"challenge": "abc"}', expires))
run_ceremony(("login",), key="authgate_passkey_test")
"""


def test_the_passkey_component_data_is_strings_only() -> None:
    at = AppTest.from_string(_CEREMONY, default_timeout=30).run()
    assert not at.exception
    component = [n for n in at.main.children.values() if n.type == "bidi_component"][-1]
    data = json.loads(component.proto.json)
    assert all(isinstance(value, str) for value in data.values()), data
    assert data["mode"] == "get"
    assert json.loads(data["options"]) == {"challenge": "abc"}
