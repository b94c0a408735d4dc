"""``authgate.serving``: every authgate command serves with uvicorn's proxy headers off."""

from __future__ import annotations

import pytest
import uvicorn

from authgate.serving import serve_with_uvicorn


def test_serve_with_uvicorn_keeps_proxy_and_server_headers_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served: dict[str, object] = {}

    def record(app: object, **options: object) -> None:
        served.update(options, app=app)

    monkeypatch.setattr(uvicorn, "run", record)
    serve_with_uvicorn("pkg.module:factory", factory=True, port=8123)
    assert served == {
        "app": "pkg.module:factory",
        "factory": True,
        "port": 8123,
        "proxy_headers": False,
        "server_header": False,
    }
