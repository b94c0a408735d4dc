"""The schema states the settings' username and password limits; the server agrees at the edges."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_support import PREFIX, make_settings
from fastapi.testclient import TestClient

from authgate.api import create_api
from authgate.api.schema_limits import LIMITED_FIELDS
from authgate.root import Authgate

LIMITS = {
    "username_min_length": 4,
    "username_max_length": 20,
    "password_min_length": 12,
    "password_max_length": 200,
}
STRONG = "violet kettle drum orbit"  # 24 characters, not on any list


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    service = Authgate.from_settings(make_settings(tmp_path, **LIMITS))
    app = create_api(service)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, app.openapi()
    service.close()


def test_every_field_that_sets_a_username_or_password_states_the_settings(
    limited: tuple[TestClient, dict[str, Any]],
) -> None:
    _, schema = limited
    components = schema["components"]["schemas"]
    expected = {"username": (4, 20), "password": (12, 200)}
    for model, fields in LIMITED_FIELDS.items():
        for name, kind in fields.items():
            field = components[model]["properties"][name]
            assert (field["minLength"], field["maxLength"]) == expected[kind], (model, name)
            assert field["description"].startswith(f"{expected[kind][0]}-{expected[kind][1]}")
    login = components["LoginRequest"]["properties"]
    assert (login["username"]["maxLength"], login["password"]["maxLength"]) == (320, 4096)


@pytest.mark.parametrize(
    ("username", "password", "status"),
    [
        ("abc", STRONG, 422),  # one under the minimum
        ("abcd", STRONG, 201),
        ("a" * 20, STRONG, 201),
        ("a" * 21, STRONG, 422),
        ("edgeuser", "violet kett", 422),  # 11 characters
        ("edgeuser", "violet kettl", 201),  # 12
        ("edgeuser", "violet kettle drum orbit " * 8, 201),  # 200
        ("edgeuser", "violet kettle drum orbit " * 8 + "x", 422),  # 201
    ],
)
def test_the_server_enforces_what_the_schema_says(
    limited: tuple[TestClient, dict[str, Any]], username: str, password: str, status: int
) -> None:
    client, _ = limited
    answer = client.post(f"{PREFIX}/register", json={"username": username, "password": password})
    assert answer.status_code == status, answer.text


def test_the_default_app_states_the_default_limits(tmp_path: Path) -> None:
    service = Authgate.from_settings(make_settings(tmp_path))
    register = create_api(service).openapi()["components"]["schemas"]["SelfRegisterRequest"]
    service.close()
    username = register["properties"]["username"]
    assert (username["minLength"], username["maxLength"]) == (3, 32)
