"""One error table, one error shape, no 500s: completeness and the odd corners."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from pathlib import Path

import pytest
from api_support import PASSWORD, PREFIX, assert_error, make_settings
from fastapi.testclient import TestClient

from authgate import errors
from authgate.api import create_api
from authgate.api.errors import STATUS_BY_ERROR, status_for
from authgate.core.tokens.service import TokenService
from authgate.root import Authgate
from authgate.store.engine import create_store_engine
from authgate.store.sql_store import SqlStore


def _error_classes() -> list[type[errors.AuthgateError]]:
    return [
        obj
        for _, obj in inspect.getmembers(errors, inspect.isclass)
        if issubclass(obj, errors.AuthgateError)
    ]


def test_every_core_error_has_an_explicit_status() -> None:
    missing = [cls.__name__ for cls in _error_classes() if cls not in STATUS_BY_ERROR]
    assert missing == [], f"add these to authgate.api.errors.STATUS_BY_ERROR: {missing}"


def test_statuses_follow_the_conventions() -> None:
    assert STATUS_BY_ERROR[errors.InvalidCredentials] == 401
    assert STATUS_BY_ERROR[errors.AccountLocked] == 429
    assert STATUS_BY_ERROR[errors.StoreUnavailable] == 503
    assert all(400 <= s < 600 for s in STATUS_BY_ERROR.values())
    only_server_side = {cls for cls, s in STATUS_BY_ERROR.items() if s == 500}
    assert only_server_side == {errors.ConfigurationError}


def test_status_for_uses_the_nearest_class() -> None:
    class Custom(errors.TokenExpired):
        pass

    assert status_for(Custom()) == 401
    locked = errors.AccountLocked(datetime.now(UTC), 30)
    assert status_for(locked) == 429


def test_unknown_route_and_method_use_the_error_shape(client: TestClient) -> None:
    assert_error(client.get(f"{PREFIX}/nope"), 404, "not_found")
    assert_error(client.get(f"{PREFIX}/login"), 405, "method_not_allowed")


def test_store_unavailable_is_503_with_retry_after(tmp_path: Path) -> None:
    service = Authgate(
        make_settings(tmp_path),
        migrate=False,
        store=SqlStore(create_store_engine("sqlite:////nonexistent/dir/x.db")),
    )
    app = create_api(service)
    with TestClient(app, raise_server_exceptions=False) as client:
        for response in (
            client.post(f"{PREFIX}/login", json={"username": "alice", "password": PASSWORD}),
            client.post(f"{PREFIX}/register", json={"username": "alice", "password": PASSWORD}),
            client.post(f"{PREFIX}/refresh", json={"refresh_token": "whatever"}),
            client.get(f"{PREFIX}/health"),
        ):
            assert_error(response, 503, "store_unavailable")
            assert response.headers["retry-after"] == "5"


def test_an_unexpected_bug_is_a_500_in_the_error_shape(
    client: TestClient, tokens: TokenService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(tokens, "refresh", broken)
    response = client.post(f"{PREFIX}/refresh", json={"refresh_token": "x"})
    detail = assert_error(response, 500, "internal_error")
    assert "boom" not in detail["message"]
    # The OAuth 2.0 endpoints answer their own failures as RFC 6749, but not a bug.
    form = {"grant_type": "refresh_token", "refresh_token": "x"}
    assert_error(client.post(f"{PREFIX}/token", data=form), 500, "internal_error")


def test_dependency_override_replaces_the_service(app: object, tmp_path: Path, alice: int) -> None:
    from authgate.api import get_auth

    other = Authgate.from_settings(make_settings(tmp_path))
    other.accounts.register("zed", PASSWORD)
    app.dependency_overrides[get_auth] = lambda: other  # type: ignore[attr-defined]
    with TestClient(app) as client:  # type: ignore[arg-type]
        ok = client.post(f"{PREFIX}/login", json={"username": "zed", "password": PASSWORD})
        assert ok.status_code == 200
        gone = client.post(f"{PREFIX}/login", json={"username": "alice", "password": PASSWORD})
        assert gone.status_code == 401
