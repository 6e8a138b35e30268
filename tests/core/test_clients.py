"""The client's address behind trusted proxies."""

from __future__ import annotations

import pytest

from api.core.clients import client_address, in_networks, parse_networks

ALB = parse_networks(["10.0.0.0/16"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        # Straight from the internet: the header is the client's own claim, ignored.
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),
        # Through the load balancer: the address it saw.
        ("10.0.3.4", "198.51.100.7", "198.51.100.7"),
        # A client that forges a first hop: the load balancer's view still wins.
        ("10.0.3.4", "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        # Through two trusted hops.
        ("10.0.3.4", "198.51.100.7, 10.0.9.9", "198.51.100.7"),
        # Garbage in the header: fall back to the peer.
        ("10.0.3.4", "not-an-address", "10.0.3.4"),
        ("10.0.3.4", None, "10.0.3.4"),
        (None, "198.51.100.7", None),
    ],
)
def test_forwarded_for_is_believed_only_from_trusted_proxies(
    peer: str | None, forwarded: str | None, expected: str | None
) -> None:
    assert client_address(peer, forwarded, ALB) == expected


def test_networks_match_addresses_and_reject_garbage() -> None:
    networks = parse_networks(["192.0.2.1", "2001:db8::/32"])
    assert in_networks("192.0.2.1", networks)
    assert not in_networks("192.0.2.2", networks)
    assert in_networks("2001:db8::5", networks)
    assert not in_networks("garbage", networks)


@pytest.mark.parametrize(
    ("peer", "viewer", "expected"),
    [
        # CloudFront → load balancer → task: the CDN's header names the viewer.
        ("10.0.3.4", "198.51.100.7:46532", "198.51.100.7"),
        ("10.0.3.4", "2001:db8::7:443", "2001:db8::7"),
        # Sent straight to the task, the header is the client's own claim.
        ("203.0.113.9", "198.51.100.7:46532", "203.0.113.9"),
        ("10.0.3.4", "garbage", "10.0.3.4"),
    ],
)
def test_a_cdn_viewer_header_is_believed_only_from_trusted_proxies(
    peer: str, viewer: str, expected: str
) -> None:
    # X-Forwarded-For then holds the CDN's edge address last: not the client.
    assert client_address(peer, "198.51.100.7, 130.176.1.1", ALB, viewer) == expected
