"""Helpers shared by the OAuth 2.0 endpoint tests (imported by name: tests/api is on sys.path)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from api_support import PASSWORD, PREFIX, make_settings
from fastapi.testclient import TestClient

from authgate.config import AuthgateSettings

TOKEN = f"{PREFIX}/token"
REVOKE = f"{PREFIX}/revoke"
INTROSPECT = f"{PREFIX}/introspect"
ORDERS_SECRET = "orders-service-secret"
MOBILE_SECRET = "mobile-app-secret"


def oauth_settings(tmp_path: Path) -> AuthgateSettings:
    """Two confidential clients: ``orders`` may introspect, ``mobile`` may not."""
    return make_settings(
        tmp_path,
        oauth_clients=[
            {"client_id": "orders", "client_secret": ORDERS_SECRET, "may_introspect": True},
            {"client_id": "mobile", "client_secret": MOBILE_SECRET},
        ],
    )


def basic(client_id: str, secret: str) -> dict[str, str]:
    credentials = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {credentials}"}


def grant(client: TestClient, **form: str) -> Any:
    """A password grant for alice unless ``form`` says otherwise."""
    fields = {"grant_type": "password", "username": "alice", "password": PASSWORD, **form}
    return client.post(TOKEN, data=fields)


def oauth_error(response: Any, status: int, error: str, code: str | None = None) -> dict[str, Any]:
    """RFC 6749 section 5.2, with authgate's detail beside it (``code``, default ``error``)."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] == error
    assert isinstance(body["error_description"], str) and body["error_description"]
    assert body["detail"]["code"] == (code or error)
    assert response.headers["cache-control"] == "no-store"
    return body


def introspect(client: TestClient, token: str, **form: str) -> Any:
    """Introspection as the ``orders`` client."""
    return client.post(
        INTROSPECT, data={"token": token, **form}, headers=basic("orders", ORDERS_SECRET)
    )
