"""Read quotas of API tokens: a heavy consumer (an EFB app, a mirror) may be given more reads a
minute than the site's default by an admin. Reads sent with such a token are counted under the
token, not the address; reads with any other token are counted under the address as before, so
that making tokens gives no one more reads.

Which token is which is looked up once per ``ttl_seconds`` and process: an admin's change and a
revocation reach every process within that time.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core import tokens
from api.users import repository


@dataclass(frozen=True, slots=True)
class TokenQuota:
    token_id: uuid.UUID
    # Reads a minute an admin gave the token; None: the site's default, counted by address.
    limit: int | None


class TokenQuotas:
    """The tokens reads come with, and their quotas, remembered ``ttl_seconds`` per process
    (unknown tokens too, so that made-up tokens do not each cost a query)."""

    def __init__(self, *, ttl_seconds: float = 60.0, max_entries: int = 10_000):
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        # Token hash: when it was looked up, and what was found.
        self.entries: dict[bytes, tuple[float, TokenQuota | None]] = {}

    async def of(self, factory: async_sessionmaker[AsyncSession], token: str) -> TokenQuota | None:
        """The quota of a live token; None when it is unknown, expired or revoked."""
        token_hash = tokens.token_hash(token)
        now = time.monotonic()
        entry = self.entries.get(token_hash)
        if entry is not None and now - entry[0] < self.ttl_seconds:
            return entry[1]
        async with factory() as session:
            found = await repository.read_quota_of_api_token(session, token_hash)
        quota = None if found is None else TokenQuota(*found)
        if len(self.entries) >= self.max_entries:
            self.entries.clear()
        self.entries[token_hash] = (now, quota)
        return quota

    def forget(self, token_id: uuid.UUID) -> None:
        """Look a token up again on its next read (this process changed it)."""
        self.entries = {
            key: entry
            for key, entry in self.entries.items()
            if entry[1] is None or entry[1].token_id != token_id
        }
