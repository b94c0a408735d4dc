"""The gate records the browser's address, not its proxy's, behind ``AUTHGATE_TRUSTED_PROXIES``."""

from __future__ import annotations

import contextvars
from types import SimpleNamespace

import pytest

from authgate.config import AuthgateSettings
from authgate.streamlit import tab_session, visitors


def _meta(monkeypatch: pytest.MonkeyPatch, settings: AuthgateSettings) -> dict[str, object]:
    context = SimpleNamespace(
        ip_address="127.0.0.1",
        headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7", "User-Agent": "agent"},
    )
    monkeypatch.setattr(visitors, "st", SimpleNamespace(context=context))

    def read() -> dict[str, object]:
        visitors.use_visitor_settings(settings)
        return dict(tab_session.request_meta())

    return contextvars.copy_context().run(read)


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    meta = _meta(monkeypatch, AuthgateSettings(trusted_proxies="127.0.0.1"))
    assert meta == {"ip": "203.0.113.7", "user_agent": "agent"}


def test_without_trusted_proxies_the_peer_is_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    meta = _meta(monkeypatch, AuthgateSettings())
    assert meta == {"ip": "127.0.0.1", "user_agent": "agent"}
