"""Which peers may tell us the client's address, host and scheme: ``AUTHGATE_TRUSTED_PROXIES``.

``X-Forwarded-For``, ``X-Forwarded-Host`` and ``X-Forwarded-Proto`` are
plain request headers: any client can send them. They mean something only
when the peer that sent the request is a proxy we run. Everything in authgate
that reads one of them asks this module, so a single setting decides, and an
empty setting (the default) means no forwarded header is believed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["TrustedProxies", "parse_networks"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or CIDR networks; raises ValueError naming the bad entry."""
    networks: list[Network] = []
    for raw in values:
        text = raw.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(
                f"{text!r} is not an IP address or network (e.g. 10.0.0.0/8, 127.0.0.1)"
            ) from None
    return tuple(networks)


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not text:
        return None
    value = text.strip()
    if value.startswith("[") and "]" in value:  # [::1]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 1.2.3.4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class TrustedProxies:
    """The proxies whose ``X-Forwarded-*`` headers are believed."""

    networks: tuple[Network, ...] = ()

    @classmethod
    def of(cls, values: Iterable[str]) -> TrustedProxies:
        return cls(parse_networks(values))

    def trusts(self, peer: str | None) -> bool:
        address = _address(peer)
        return address is not None and any(address in network for network in self.networks)

    def client_ip(self, peer: str | None, forwarded_for: str | None) -> str | None:
        """The client's address: the peer, or, behind trusted proxies, who they forwarded.

        ``X-Forwarded-For`` is read right to left (each proxy appends the
        address it saw), skipping our own proxies; the first address that is
        not one of them is the client. The left part is written by the client
        and never believed.
        """
        if not forwarded_for or not self.trusts(peer):
            return peer
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        client = peer
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break  # garbage: stop at the last address a trusted proxy vouched for
            client = str(address)
            if not any(address in network for network in self.networks):
                break
        return client

    def forwarded(self, peer: str | None, value: str | None) -> str | None:
        """A single-valued ``X-Forwarded-Host``/``-Proto`` when a trusted proxy sent it."""
        if not value or not self.trusts(peer):
            return None
        first = value.split(",")[0].strip()
        return first or None
