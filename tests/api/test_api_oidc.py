"""The API's provider flow against a real OpenID provider: authorize, callback, exchange, /me."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from api_support import make_settings
from fastapi.testclient import TestClient

from authgate.api import create_api
from authgate.core.clock import SystemClock
from authgate.root import Authgate
from oidc_support import TestProvider, sign_in_at_provider

PUBLIC = "http://127.0.0.1:9"
CALLBACK = f"{PUBLIC}/api/auth/oidc/corp/callback"
CLIENT_URI = "https://spa.example.com/signed-in"


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestProvider]:
    server = TestProvider(tmp_path_factory.mktemp("api-provider"), [CALLBACK])
    server.start()
    yield server
    server.stop()


@pytest.fixture
def auth(tmp_path: Path, provider: TestProvider) -> Iterator[Authgate]:
    settings = make_settings(
        tmp_path,
        public_url=PUBLIC,
        oidc_providers=[provider.provider_settings(roles_claim="groups")],
        oidc_api_redirect_uris=[CLIENT_URI],
    )
    service = Authgate.from_settings(settings, clock=SystemClock())
    yield service
    service.close()


@pytest.fixture
def api(auth: Authgate) -> Iterator[TestClient]:
    with TestClient(create_api(auth), raise_server_exceptions=False) as client:
        yield client


def back_at_client(
    api: TestClient, login: str, password: str, *, cancel: bool = False
) -> dict[str, list[str]]:
    started = api.get(
        "/api/auth/oidc/corp/authorize", params={"redirect_uri": CLIENT_URI}, follow_redirects=False
    )
    assert started.status_code == 303, started.text
    back = sign_in_at_provider(
        started.headers["location"], login, password, redirect_uri=CALLBACK, cancel=cancel
    )
    answer = api.get("/api/auth/oidc/corp/callback", params=back, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith(CLIENT_URI + "?")
    return parse_qs(urlsplit(location).query)


def test_the_providers_are_listed(api: TestClient) -> None:
    answer = api.get("/api/auth/oidc/providers")
    assert answer.json() == [
        {"name": "corp", "label": "Corp SSO", "authorize_url": "/api/auth/oidc/corp/authorize"}
    ]


def test_a_client_gets_a_token_pair_and_me_lists_the_identity(api: TestClient) -> None:
    code = back_at_client(api, "alice", "provider-pass-alice")["code"][0]
    tokens = api.post("/api/auth/oidc/exchange", json={"code": code})
    assert tokens.status_code == 200, tokens.text
    assert tokens.headers["cache-control"] == "no-store"
    body = tokens.json()
    assert body["refresh_token"] and body["user"]["username"] == "alice"
    me = api.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    [identity] = me.json()["identities"]
    assert (identity["provider"], identity["subject"], identity["email"]) == (
        "corp",
        "alice",
        "alice@example.com",
    )
    again = api.post("/api/auth/oidc/exchange", json={"code": code})
    assert again.status_code == 401
    assert again.json()["detail"]["code"] == "token_reused"


def test_a_redirect_uri_not_listed_is_refused(api: TestClient) -> None:
    answer = api.get(
        "/api/auth/oidc/corp/authorize",
        params={"redirect_uri": "https://evil.example.com/"},
        follow_redirects=False,
    )
    assert answer.status_code == 422
    assert answer.json()["detail"]["code"] == "invalid_input"


def test_an_unknown_provider_is_a_clear_error(api: TestClient) -> None:
    answer = api.get(
        "/api/auth/oidc/nope/authorize", params={"redirect_uri": CLIENT_URI}, follow_redirects=False
    )
    assert answer.status_code == 400
    assert answer.json()["detail"]["code"] == "oidc_failed"


def test_cancelling_returns_the_reason_to_the_client(api: TestClient) -> None:
    assert back_at_client(api, "", "", cancel=True) == {"error": ["cancelled"]}


def test_a_callback_without_a_known_state_is_refused(api: TestClient) -> None:
    answer = api.get(
        "/api/auth/oidc/corp/callback",
        params={"state": "made-up", "code": "x"},
        follow_redirects=False,
    )
    assert answer.status_code == 400
    assert answer.json()["detail"]["code"] == "oidc_failed"


@pytest.mark.parametrize("code", ["", "x" * 600, "not-a-code"])
def test_bad_codes_are_refused(api: TestClient, code: str) -> None:
    answer = api.post("/api/auth/oidc/exchange", json={"code": code})
    assert answer.status_code in {401, 422}
