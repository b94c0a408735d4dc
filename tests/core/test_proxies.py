"""``AUTHGATE_TRUSTED_PROXIES``: forwarded headers believed only from our own proxies."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from authgate.config import AuthgateSettings
from authgate.proxies import TrustedProxies


def test_nothing_is_trusted_by_default() -> None:
    proxies = TrustedProxies()
    assert proxies.client_ip("127.0.0.1", "6.6.6.6") == "127.0.0.1"
    assert proxies.forwarded("127.0.0.1", "evil.example") is None


def test_a_trusted_peer_forwards_the_client_address() -> None:
    proxies = TrustedProxies.of(["127.0.0.1"])
    assert proxies.client_ip("127.0.0.1", "203.0.113.9") == "203.0.113.9"
    assert proxies.forwarded("127.0.0.1", "app.example, other") == "app.example"


def test_an_untrusted_peer_is_the_client_whatever_it_forwards() -> None:
    proxies = TrustedProxies.of(["10.0.0.0/8"])
    assert proxies.client_ip("198.51.100.7", "1.2.3.4") == "198.51.100.7"
    assert proxies.forwarded("198.51.100.7", "app.example") is None


def test_the_left_part_written_by_the_client_is_not_believed() -> None:
    proxies = TrustedProxies.of(["10.0.0.0/8"])
    # The client sent "X-Forwarded-For: 1.1.1.1"; our two proxies appended.
    chain = "1.1.1.1, 203.0.113.5, 10.0.0.2"
    assert proxies.client_ip("10.0.0.3", chain) == "203.0.113.5"


def test_garbage_in_the_chain_stops_at_the_last_vouched_address() -> None:
    proxies = TrustedProxies.of(["10.0.0.0/8"])
    assert proxies.client_ip("10.0.0.3", "not-an-ip") == "10.0.0.3"
    assert proxies.client_ip("10.0.0.3", "[2001:db8::1]:443") == "2001:db8::1"


def test_settings_accept_comma_separated_or_json() -> None:
    assert AuthgateSettings(trusted_proxies="10.0.0.0/8, 127.0.0.1").trusted_proxies == (
        "10.0.0.0/8",
        "127.0.0.1",
    )
    assert AuthgateSettings(trusted_proxies='["::1"]').trusted_proxies == ("::1",)


def test_settings_name_a_bad_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTHGATE_TRUSTED_PROXIES", "10.0.0.0/8,proxy.local")
    with pytest.raises(ValidationError, match=r"proxy\.local"):
        AuthgateSettings()
