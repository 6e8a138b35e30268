"""Rules for reading airports."""

from __future__ import annotations

import gzip
import time
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from api.airports import geojson, repository
from api.core.errors import NotFound


def normalise_code(value: str) -> tuple[str, uuid.UUID | None, str | None]:
    """The code to look up, the id if ``value`` is a UUID, and the FAA code of a K-ICAO code."""
    text = value.strip()
    try:
        airport_id: uuid.UUID | None = uuid.UUID(text)
    except ValueError:
        airport_id = None
    code = text.upper()
    # CONUS ICAO codes are K + the FAA identifier: KPAE finds PAE.
    k_code = code[1:] if len(code) == 4 and code.startswith("K") else None
    return code, airport_id, k_code


async def airport_detail(session: AsyncSession, value: str) -> bytes:
    """The airport's detail document as JSON bytes, by code, ICAO code or id."""
    code, airport_id, k_code = normalise_code(value)
    document = await repository.airport_detail_json(session, code, airport_id, k_code)
    if document is None:
        raise NotFound(f"No airport has the code, ICAO code or id {value!r}.")
    return document.encode()


@dataclass
class GeojsonCache:
    """The airports GeoJSON held in memory, re-checked against the database every few seconds.

    The document is built by whoever changes the data (the importer, edits); a web process only
    compares ETags, so serving it never rebuilds it.
    """

    revalidate_seconds: float
    etag: str | None = None
    body_gzip: bytes = b""
    _body: bytes | None = None
    checked_at: float = float("-inf")

    def is_fresh(self) -> bool:
        return time.monotonic() - self.checked_at < self.revalidate_seconds

    @property
    def body(self) -> bytes:
        if self._body is None:
            self._body = gzip.decompress(self.body_gzip)
        return self._body

    async def refresh(self, session: AsyncSession) -> None:
        """Reload the document when its ETag in the database changed; build it if missing."""
        etag = await repository.geojson_etag(session)
        if etag is None:
            built = await geojson.rebuild(session)
            self.etag, self.body_gzip, self._body = built.etag, built.body_gzip, built.body
        elif etag != self.etag:
            stored = await repository.geojson_document(session)
            if stored is not None:
                self.etag, self.body_gzip, self._body = stored.etag, stored.body_gzip, None
        self.checked_at = time.monotonic()
