"""Keeps MaxMind's GeoLite2 City database fresh (when a licence key is configured): download
the archive, take the one .mmdb file out of it, check that it reads, and put it in place in
one rename, so the web processes never see half a file. With a storage bucket (production,
where tasks share no disk) the checked database is also put in the bucket, where the web
processes find it (`api.core.geoip.follow_shared`); an S3 object is replaced whole."""

from __future__ import annotations

import asyncio
import io
import logging
import tarfile

import httpx

from api.core.geoip import SHARED_KEY, GeoipDatabaseError, install, shared_store
from api.core.settings import Settings
from api.jobs.http import SourceError, request

logger = logging.getLogger("api.jobs")

DATABASE_NAME = "GeoLite2-City.mmdb"
MAX_DATABASE_BYTES = 200 * 1024 * 1024


class GeoipArchiveError(SourceError):
    """The download is not an archive holding a readable GeoLite2 City database."""


def database_from(archive: bytes) -> bytes:
    """The bytes of the archive's GeoLite2-City.mmdb (gzip or plain tar), nothing else read."""
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:*") as tar:
            member = next(
                (
                    item
                    for item in tar.getmembers()
                    if item.isfile() and item.name.rsplit("/", 1)[-1] == DATABASE_NAME
                ),
                None,
            )
            if member is None:
                raise GeoipArchiveError(f"The archive holds no {DATABASE_NAME}.")
            if member.size > MAX_DATABASE_BYTES:
                raise GeoipArchiveError(f"{DATABASE_NAME} is larger than expected.")
            extracted = tar.extractfile(member)
            assert extracted is not None
            return extracted.read()
    except tarfile.TarError as error:
        raise GeoipArchiveError(f"The download is not a tar archive ({error}).") from None


async def refresh_geoip(settings: Settings, *, client: httpx.AsyncClient | None = None) -> str:
    """Install the latest database; what happened ("skipped" without a licence key)."""
    if not settings.maxmind_license_key:
        logger.info("GeoIP: no PIREP_MAXMIND_LICENSE_KEY, nothing to refresh.")
        return "skipped"
    url = settings.maxmind_download_url.format(key=settings.maxmind_license_key)
    own = client is None
    http = client or httpx.AsyncClient(timeout=settings.http_timeout_seconds, follow_redirects=True)
    try:
        answer = await request(http, "GET", url, what="GeoIP download")
    finally:
        if own:
            await http.aclose()
    database = database_from(answer.content)
    target = settings.geoip_path
    try:
        await asyncio.to_thread(install, database, target)
    except GeoipDatabaseError as error:
        raise GeoipArchiveError(str(error)) from None
    logger.info("GeoIP: %s installed (%d bytes).", target, len(database))
    store = shared_store(settings)
    if store is not None:
        await asyncio.to_thread(store.put, SHARED_KEY, database)
        logger.info("GeoIP: shared as s3://%s/%s.", store.bucket, SHARED_KEY)
    return "installed"
