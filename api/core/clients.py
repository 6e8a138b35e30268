"""Who is on the other end: the client's address behind trusted proxies."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Sequence[str]) -> tuple[Network, ...]:
    """``["10.0.0.0/8", "::1"]`` → networks (a plain address is a network of one)."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value)


def in_networks(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(
    peer: str | None,
    forwarded_for: str | None,
    trusted: Sequence[Network],
    viewer: str | None = None,
) -> str | None:
    """The client's address.

    ``X-Forwarded-For`` is believed only as far as it was written by trusted proxies: walking
    from the nearest hop, the first address that is not a trusted proxy is the client. Behind
    a CDN, ``viewer`` (the CDN's ``address:port`` header, e.g. CloudFront-Viewer-Address) names
    the client instead, again only when the request comes through a trusted proxy.
    """
    if peer is None or not in_networks(peer, trusted):
        return peer
    if viewer:
        address = viewer.strip().rpartition(":")[0].strip("[]")
        return address if _valid(address) else peer
    if not forwarded_for:
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not in_networks(hop, trusted):
            return hop if _valid(hop) else peer
    return hops[0] if hops and _valid(hops[0]) else peer


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True
