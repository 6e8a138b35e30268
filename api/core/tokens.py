"""Opaque secret tokens (sessions, API tokens): only their hashes are stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

API_TOKEN_PREFIX = "pirep_"  # noqa: S105 - a label, not a secret


def new_token(prefix: str = "") -> str:
    """A random token with 256 bits of entropy."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    """The stored form of a token (SHA-256: tokens are random, so no salt or slow hash)."""
    return hashlib.sha256(token.encode()).digest()


def csrf_token(session_token: str) -> str:
    """The CSRF token that goes with a session: derived from it, so nothing more is stored."""
    return hashlib.sha256(b"csrf:" + session_token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(a.encode(), b.encode())
