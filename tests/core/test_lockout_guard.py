"""The lockout's keys: one per account, per unknown name, per client (IPv6 by its /64)."""

from __future__ import annotations

import pytest

from authgate.core.lockout.guard import account_key, client_key, login_key
from authgate.errors import InvalidCredentials, TooManyAttempts
from authgate.root import Authgate


def test_account_and_login_keys() -> None:
    assert account_key(7) == "account:7"
    assert login_key("ghost") == "login:ghost"


@pytest.mark.parametrize(
    ("ip", "key"),
    [
        ("203.0.113.7", "ip:203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "ip:2001:db8:1:2::/64"),
        ("2001:DB8:1:2:ffff:ffff:ffff:ffff", "ip:2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "ip:203.0.113.7"),
        ("testclient", "ip:testclient"),  # not an address: counted as given
    ],
)
def test_client_keys(ip: str, key: str) -> None:
    assert client_key(ip) == key


def test_addresses_of_one_ipv6_64_share_a_budget(service_factory) -> None:  # type: ignore[no-untyped-def]
    svc: Authgate = service_factory(client_failure_limit=3)
    for n in range(3):
        with pytest.raises(InvalidCredentials):
            svc.logins.password(f"name{n}", "a guess", ip=f"2001:db8:0:1::{n + 1:x}")
    with pytest.raises(TooManyAttempts):
        svc.logins.password("name9", "a guess", ip="2001:db8:0:1:ffff::9")
    with pytest.raises(InvalidCredentials):  # the next /64 is someone else
        svc.logins.password("name9", "a guess", ip="2001:db8:0:2::1")
