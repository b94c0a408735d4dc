"""Driving authgate's login form in AppTest, as the browser does.

The form is a ``components.v2`` component (``ui/login_fields.py``), which AppTest
draws as an unknown element and cannot type into. The browser sends the form
as one trigger event, ``submitted``; these helpers send the very same event
through AppTest's widget states (its ``_tree`` and ``_run``: AppTest has no
public way to set a component's trigger).
"""

from __future__ import annotations

import json
from typing import Any

from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

__all__ = ["field_labels", "form_texts", "login_form", "send_login_event", "submit_login"]

_NAME = "authgate_login_fields"


def login_form(at: AppTest) -> Any | None:
    """The login form's element in the last run, or None when none was drawn."""
    for element in at.get("bidi_component"):
        if element.proto.component_name.endswith(_NAME):
            return element
    return None


def form_texts(at: AppTest) -> dict[str, str]:
    """The texts the form was drawn with (its data: labels, help, the button's)."""
    element = login_form(at)
    assert element is not None, "no login form in this run"
    return dict(json.loads(element.proto.json))


def field_labels(at: AppTest) -> list[str]:
    """The labels of the form's two text fields, as drawn; [] when no form was drawn."""
    if login_form(at) is None:
        return []
    texts = form_texts(at)
    return [texts["username"], texts["password"]]


def send_login_event(at: AppTest, value: object) -> AppTest:
    """Send ``value`` as the form's ``submitted`` event, whatever its shape, and run."""
    element = login_form(at)
    assert element is not None, "no login form in this run"
    states = at._tree.get_widget_states()
    state = WidgetState(id=_make_trigger_id(element.proto.id, "events"))
    state.json_trigger_value = json.dumps([{"event": "submitted", "value": value}])
    states.widgets.append(state)
    return at._run(states)


def submit_login(at: AppTest, login: str, password: str, *, remember: bool = False) -> AppTest:
    """Fill the form and press "Log in"; the run that follows."""
    return send_login_event(at, {"login": login, "password": password, "remember": remember})
