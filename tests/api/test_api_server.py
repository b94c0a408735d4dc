"""``authgate.api.server.run``: uvicorn with the access log off and its proxy headers off."""

from __future__ import annotations

import pytest
import uvicorn
from fastapi import FastAPI

from authgate.api.server import run
from authgate.config import AuthgateSettings


def _served(
    monkeypatch: pytest.MonkeyPatch, settings: AuthgateSettings, **options: object
) -> dict[str, object]:
    served: dict[str, object] = {}

    def record(app: object, **kwargs: object) -> None:
        served.update(kwargs, app=app)

    monkeypatch.setattr(uvicorn, "run", record)
    run(settings=settings, **options)  # type: ignore[arg-type]
    return served


def test_run_serves_without_access_log_or_uvicorn_proxy_headers(
    monkeypatch: pytest.MonkeyPatch, settings: AuthgateSettings
) -> None:
    served = _served(monkeypatch, settings)
    assert isinstance(served["app"], FastAPI)
    assert served["access_log"] is False
    # X-Forwarded-For is believed only from AUTHGATE_TRUSTED_PROXIES, by the app itself.
    assert served["proxy_headers"] is False
    assert served["server_header"] is False


def test_run_access_log_on_request(
    monkeypatch: pytest.MonkeyPatch, settings: AuthgateSettings
) -> None:
    assert _served(monkeypatch, settings, access_log=True)["access_log"] is True
