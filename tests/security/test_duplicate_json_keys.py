"""Issue 10, item 5: a JSON body that names a key twice is refused with 422.

The probe logged in as admin with ``{"username":"nobody","username":"admin"}``:
Python keeps the last value, a proxy or firewall in front may keep the
first, so the two could disagree about who is logging in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from asgi_support import post
from fastapi.testclient import TestClient

from authgate.api import create_api
from authgate.root import Authgate

PREFIX = "/api/auth"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def auth(service_factory: Callable[..., Authgate]) -> Authgate:
    auth = service_factory()
    auth.accounts.register("admin", PASSWORD)
    return auth


@pytest.fixture
def client(auth: Authgate) -> Iterator[TestClient]:
    with TestClient(create_api(auth), raise_server_exceptions=False) as test_client:
        yield test_client


def _send(
    client: TestClient, body: str, content_type: str | None = "application/json"
) -> httpx.Response:
    headers = {"content-type": content_type} if content_type else {}
    return client.post(f"{PREFIX}/login", content=body.encode(), headers=headers)


def _assert_duplicate(response: httpx.Response, key: str) -> None:
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail["code"] == "duplicate_json_key"
    assert detail["message"]
    assert detail["errors"] == [
        {"loc": ["body", key], "code": "duplicate_json_key", "message": detail["message"]}
    ]


def test_the_probe_body_no_longer_logs_in_as_admin(client: TestClient) -> None:
    body = f'{{"username":"nobody","username":"admin","password":"{PASSWORD}"}}'
    _assert_duplicate(_send(client, body), "username")


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "application/x+json"]
)
def test_every_json_content_type_is_checked(client: TestClient, content_type: str) -> None:
    body = f'{{"username":"admin","password":"x","password":"{PASSWORD}"}}'
    _assert_duplicate(_send(client, body, content_type), "password")


def test_a_body_without_content_type_is_checked_too(auth: Authgate) -> None:
    body = f'{{"username":"nobody","username":"admin","password":"{PASSWORD}"}}'
    exchange = post(create_api(auth), f"{PREFIX}/login", [body.encode()], headers=[])
    assert exchange.status == 422
    assert exchange.json()["detail"]["code"] == "duplicate_json_key"


def test_a_duplicate_in_a_nested_object_is_found(client: TestClient) -> None:
    body = f'{{"username":"admin","password":"{PASSWORD}","x":{{"a":1,"a":2}}}}'
    _assert_duplicate(_send(client, body), "a")


def test_a_long_duplicate_key_is_echoed_shortened(client: TestClient) -> None:
    key = "k" * 500
    response = _send(client, f'{{"{key}":1,"{key}":2}}')
    assert response.status_code == 422
    assert response.json()["detail"]["errors"][0]["loc"] == ["body", "k" * 64]


def test_the_same_key_in_sibling_objects_is_fine(client: TestClient) -> None:
    body = f'{{"username":"admin","password":"{PASSWORD}","a":{{"k":1}},"b":{{"k":1}}}}'
    assert _send(client, body).status_code == 200


def test_a_clean_json_login_still_works(client: TestClient) -> None:
    response = client.post(f"{PREFIX}/login", json={"username": "admin", "password": PASSWORD})
    assert response.status_code == 200


@pytest.mark.parametrize("body", ["{not json", '{"a": 1', "[" * 50_000, "\xff\xfe"])
def test_a_malformed_body_keeps_its_usual_answer(client: TestClient, body: str) -> None:
    response = _send(client, body)
    assert response.status_code == 422
    assert response.json()["detail"]["code"] == "invalid_input"


def test_oauth_form_bodies_pass_untouched(client: TestClient) -> None:
    form = {"grant_type": "password", "username": "admin", "password": PASSWORD}
    response = client.post(f"{PREFIX}/token", data=form)
    assert response.status_code == 200, response.text
    # A repeated form field is the form parser's business, not the JSON guard's.
    repeated = "grant_type=password&username=admin&username=admin&password=" + PASSWORD
    answer = client.post(
        f"{PREFIX}/token",
        content=repeated.replace(" ", "+"),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.json().get("detail", {}).get("code") != "duplicate_json_key"
