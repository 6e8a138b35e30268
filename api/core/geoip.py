"""Where an address is, roughly: MaxMind's GeoLite2 City database when one is installed (the
worker keeps it fresh), nothing otherwise. The file is reopened when it changes."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import maxminddb

logger = logging.getLogger("api.geoip")

RECHECK_SECONDS = 60.0


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
