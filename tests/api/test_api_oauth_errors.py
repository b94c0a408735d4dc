"""RFC 6749 errors at the OAuth 2.0 endpoints: bad input, bad grants, and server faults.

Every answer has ``error`` and ``error_description`` with authgate's
``detail`` beside them; the rest of the API keeps its own error shape.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from api_support import PASSWORD, PREFIX, assert_error
from fastapi.testclient import TestClient
from oauth_support import REVOKE, TOKEN, grant, introspect, oauth_error, oauth_settings

from authgate.api import create_api
from authgate.config import AuthgateSettings
from authgate.root import Authgate
from authgate.store.engine import create_store_engine
from authgate.store.sql_store import SqlStore


@pytest.fixture
def settings(tmp_path: Path) -> AuthgateSettings:
    return oauth_settings(tmp_path)


@pytest.mark.parametrize(
    "grant_type",
    ["client_credentials", "authorization_code", "urn:ietf:params:oauth:grant-type:device_code"],
)
def test_unknown_grant_type_is_unsupported(client: TestClient, grant_type: str) -> None:
    oauth_error(grant(client, grant_type=grant_type), 400, "unsupported_grant_type")


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"username": "alice"},
        {"password": PASSWORD},
        {"username": "alice", "password": ""},
        {"grant_type": "password", "username": "", "password": PASSWORD},
        {"grant_type": "refresh_token"},
        {"grant_type": "refresh_token", "refresh_token": ""},
        {"username": "a" * 400, "password": PASSWORD},
        {"grant_type": "refresh_token", "refresh_token": "r" * 600},
    ],
)
def test_missing_or_oversized_fields_are_invalid_request(
    client: TestClient, form: dict[str, str]
) -> None:
    oauth_error(client.post(TOKEN, data=form), 400, "invalid_request")


def test_repeated_parameter_is_invalid_request(client: TestClient, alice: int) -> None:
    response = client.post(
        TOKEN,
        content=f"username=alice&username=bob&password={PASSWORD}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    body = oauth_error(response, 400, "invalid_request")
    assert "username" in body["error_description"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ('{"username": "alice", "password": "x"}', "application/json"),
        ("username=alice", "text/plain"),
        ("", None),
    ],
)
def test_a_body_that_is_not_a_form_is_invalid_request(
    client: TestClient, content: str, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    oauth_error(client.post(TOKEN, content=content, headers=headers), 400, "invalid_request")


@pytest.mark.parametrize(("username", "password"), [("alice", "wrong!"), ("nobody", PASSWORD)])
def test_wrong_credentials_are_invalid_grant_alike(
    client: TestClient, alice: int, username: str, password: str
) -> None:
    body = oauth_error(
        grant(client, username=username, password=password),
        400,
        "invalid_grant",
        "invalid_credentials",
    )
    assert body["error_description"] == "Incorrect username or password."


def test_locked_account_is_429_with_retry_after(client: TestClient, alice: int) -> None:
    for _ in range(5):
        grant(client, password="wrong password!")
    response = grant(client)
    oauth_error(response, 429, "invalid_grant", "account_locked")
    assert int(response.headers["retry-after"]) >= 1


# -- failures that are not the client's ---------------------------------------------------


def test_store_unavailable_is_503_temporarily_unavailable(
    settings: AuthgateSettings,
) -> None:
    broken = SqlStore(create_store_engine("sqlite:////nonexistent/dir/x.db"))
    auth = Authgate(settings, migrate=False, store=broken)
    with TestClient(create_api(auth), raise_server_exceptions=False) as client:
        for response in (
            grant(client),
            grant(client, grant_type="refresh_token", refresh_token="whatever"),
            client.post(REVOKE, data={"token": "whatever"}),
            introspect(client, "whatever"),
        ):
            oauth_error(response, 503, "temporarily_unavailable", "store_unavailable")
            assert response.headers["retry-after"] == "5"


def test_other_endpoints_keep_authgate_error_shape(client: TestClient, alice: int) -> None:
    response = client.post(f"{PREFIX}/refresh", json={"refresh_token": "made-up"})
    assert "error" not in response.json()
    assert_error(response, 401, "invalid_token")
