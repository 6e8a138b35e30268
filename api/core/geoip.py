"""Where an address is, roughly: MaxMind's GeoLite2 City database when one is installed (the
worker keeps it fresh), nothing otherwise. The file is reopened when it changes.

In production the worker and the web tasks share no disk: the worker also puts the checked
database in the storage bucket, under a private key (outside what the CDN serves: MaxMind's
licence does not allow handing it out), and each web process copies it to its own disk at
start and whenever it changes there (``follow_shared``)."""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import maxminddb

from api.core.errors import PirepError
from api.core.settings import Settings
from api.core.storage import S3Sink, StorageFailed

logger = logging.getLogger("api.geoip")

RECHECK_SECONDS = 60.0
# Where the worker shares the database, in the storage bucket (not under its public prefix).
SHARED_KEY = "private/geoip/GeoLite2-City.mmdb"
# How often a web process asks whether the shared database changed.
FOLLOW_SECONDS = 15 * 60.0


class GeoipDatabaseError(PirepError):
    """A file that does not read as a GeoLite2 database."""


def install(database: bytes, target: Path) -> None:
    """Write the database beside ``target``, check it reads, then rename it into place (a
    reader never sees half a file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".mmdb.part")
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(database)
        try:
            maxminddb.open_database(temporary).close()
        except (OSError, maxminddb.InvalidDatabaseError, ValueError) as error:
            raise GeoipDatabaseError(
                f"{target.name} does not read as a database ({error})."
            ) from None
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def shared_store(settings: Settings) -> S3Sink | None:
    """The bucket the database is shared through (None without one: one disk, as locally)."""
    if not settings.storage_bucket:
        return None
    return S3Sink(
        bucket=settings.storage_bucket,
        region=settings.aws_region,
        profile=settings.aws_profile,
        endpoint_url=settings.aws_endpoint_url,
        timeout_seconds=settings.aws_timeout_seconds * 3,
    )


@dataclass
class GeoLocator:
    path: Path
    _reader: maxminddb.Reader | None = field(default=None, init=False)
    _mtime: float | None = field(default=None, init=False)
    _checked: float = field(default=-RECHECK_SECONDS, init=False)

    def _current(self) -> maxminddb.Reader | None:
        now = time.monotonic()
        if now - self._checked < RECHECK_SECONDS:
            return self._reader
        self._checked = now
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            self._reader, self._mtime = None, None
            return None
        if mtime != self._mtime:
            try:
                self._reader = maxminddb.open_database(str(self.path))
                self._mtime = mtime
            except (OSError, maxminddb.InvalidDatabaseError) as error:
                logger.error("The GeoIP database %s cannot be read: %s", self.path, error)
                self._reader, self._mtime = None, mtime
        return self._reader

    def recheck(self) -> None:
        """Look at the file again on next use (it has just been replaced)."""
        self._checked = -RECHECK_SECONDS

    def locate(self, address: str | None) -> tuple[float, float] | None:
        """Latitude and longitude of ``address``; None when unknown or without a database."""
        reader = self._current()
        if reader is None or not address:
            return None
        try:
            found = reader.get(address)
        except ValueError:
            return None
        location = found.get("location") if isinstance(found, dict) else None
        if not isinstance(location, dict):
            return None
        latitude, longitude = location.get("latitude"), location.get("longitude")
        if isinstance(latitude, int | float) and isinstance(longitude, int | float):
            return float(latitude), float(longitude)
        return None


async def follow_shared(locator: GeoLocator, store: S3Sink, every: float = FOLLOW_SECONDS) -> None:
    """Copy the shared database to ``locator``'s file now and whenever it changes in the
    bucket (checked every ``every`` seconds); runs until cancelled. A failure is logged and
    tried again next time: addresses are then located with the copy already here, if any."""
    seen: str | None = None
    while True:
        try:
            version = await asyncio.to_thread(store.version, SHARED_KEY)
            if version is not None and version != seen:
                database = await asyncio.to_thread(store.get, SHARED_KEY)
                if database is not None:
                    await asyncio.to_thread(install, database, locator.path)
                    locator.recheck()
                    seen = version
                    logger.info("GeoIP: the shared database (%s) is in place.", version)
        except (StorageFailed, GeoipDatabaseError, OSError) as error:
            logger.warning("GeoIP: the shared database could not be copied: %s", error)
        await asyncio.sleep(every)
