"""OAuth 2.0 clients: public by default, confidential ones must prove their secret."""

from __future__ import annotations

import pytest

from authgate.core.tokens.clients import ClientRegistry, ConfidentialClient, OAuthClient
from authgate.errors import ConfigurationError, InvalidClient

ORDERS = ConfidentialClient("orders", "orders-secret", may_introspect=True)
MOBILE = ConfidentialClient("mobile", "mobile-secret")


@pytest.fixture
def registry() -> ClientRegistry:
    return ClientRegistry([ORDERS, MOBILE])


def test_unregistered_clients_are_public(registry: ClientRegistry) -> None:
    assert registry.authenticate("spa", None) == OAuthClient("spa")
    assert registry.authenticate("spa", "") == OAuthClient("spa")
    assert registry.authenticate(None, None) == OAuthClient(None)
    assert registry.authenticate("", None) == OAuthClient(None)


def test_confidential_clients_with_their_secret(registry: ClientRegistry) -> None:
    orders = registry.authenticate("orders", "orders-secret")
    assert orders == OAuthClient("orders", confidential=True, may_introspect=True)
    mobile = registry.authenticate("mobile", "mobile-secret")
    assert mobile.confidential and not mobile.may_introspect


@pytest.mark.parametrize(
    ("client_id", "secret"),
    [
        ("orders", None),
        ("orders", ""),
        ("orders", "wrong"),
        ("orders", "mobile-secret"),
        ("unregistered", "any secret"),
        (None, "a secret without a client"),
    ],
)
def test_credentials_that_do_not_hold_are_invalid_client(
    registry: ClientRegistry, client_id: str | None, secret: str | None
) -> None:
    with pytest.raises(InvalidClient):
        registry.authenticate(client_id, secret)


def test_secrets_stay_out_of_reprs() -> None:
    assert "orders-secret" not in repr(ORDERS)


@pytest.mark.parametrize(
    "clients",
    [
        [ConfidentialClient("orders", "")],
        [ConfidentialClient("", "secret")],
        [ORDERS, ConfidentialClient("orders", "other")],
    ],
)
def test_bad_configuration_fails_in_the_constructor(clients: list[ConfidentialClient]) -> None:
    with pytest.raises(ConfigurationError):
        ClientRegistry(clients)
