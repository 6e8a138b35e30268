"""Photos from Google Places for airports pilots have no photo of yet, as the original shows
them: a visit of such an airport's page asks for them (``request_external_photos``), and this
job, run every minute by the worker, looks the airport up with the Places API (New), keeps
photos of a place within 2 km of it, and stores them with their authors' names and links,
which the page shows. A page never waits for Google: the photos are in its detail from the
next read on. Without ``PIREP_GOOGLE_API_KEY`` nothing is asked.

Each airport is looked up once. An answer without photos is asked again after 30 days; a
failure (Google unreachable, a refused key) an hour later, for a day."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from api.core import photos
from api.core.changes import ChangeKind, record
from api.core.errors import PirepError
from api.core.geo import haversine_meters
from api.core.names import display_name
from api.core.settings import Settings
from api.core.storage import Sink, StorageFailed, delete_files, sink_from_settings
from api.jobs.http import SourceError, request
from api.photos import repository

logger = logging.getLogger("api.jobs")

# Airports looked up per run, and photos kept per airport (each photo is a paid request).
BATCH = 20
PHOTOS_PER_AIRPORT = 5
# The place Google finds must be this close to the airport (the original's rule).
RADIUS_M = 2000.0
PHOTO_WIDTH_PX = 1000
FIELDS = "places.id,places.location,places.photos"


@dataclass(frozen=True)
class FoundPhoto:
    name: str  # Google's resource name, places/…/photos/…
    attributions: list[dict[str, str]]


def _link(value: object) -> str | None:
    """An author's link when it is a web address (anything else is not shown as a link)."""
    if isinstance(value, str) and urlsplit(value).scheme in ("http", "https"):
        return value
    return None


def nearby_photos(answer: object, latitude: float, longitude: float) -> list[FoundPhoto]:
    """The photos of the first place of a searchText answer within RADIUS_M of the airport;
    none when no place is that close. SourceError when the answer is not what Google sends."""
    if not isinstance(answer, dict):
        raise SourceError("Google's answer is not a JSON object.")
    places = answer.get("places", [])  # no match: an empty object
    if not isinstance(places, list):
        raise SourceError("Google's answer has no list of places.")
    for place in places:
        try:
            location = place["location"]
            distance = haversine_meters(
                latitude, longitude, float(location["latitude"]), float(location["longitude"])
            )
        except (TypeError, KeyError, ValueError):
            raise SourceError("A place in Google's answer has no position.") from None
        if distance <= RADIUS_M:
            return [
                FoundPhoto(photo["name"], _attributions(photo))
                for photo in place.get("photos") or []
                if isinstance(photo, dict) and isinstance(photo.get("name"), str)
            ][:PHOTOS_PER_AIRPORT]
    return []


def _attributions(photo: dict[str, Any]) -> list[dict[str, str]]:
    found = []
    for author in photo.get("authorAttributions") or []:
        name = author.get("displayName") if isinstance(author, dict) else None
        if isinstance(name, str) and name.strip():
            url = _link(author.get("uri"))
            found.append({"name": name.strip()[:200], **({"url": url} if url else {})})
    return found


def search_text(code: str, name: str) -> str:
    """What Google is asked: "PAE - Seattle Paine Field International Airport"."""
    shown = display_name(name)
    return f"{code} - {shown}" if shown.lower().endswith("airport") else f"{code} - {shown} Airport"


async def _download(
    http: httpx.AsyncClient, settings: Settings, key: str, photo: FoundPhoto
) -> photos.ProcessedPhoto | None:
    """The photo, fitted and encoded like a pilot's; None when it is not a usable image."""
    media = await request(
        http,
        "GET",
        f"{settings.google_places_url}/v1/{photo.name}/media",
        what="Google photo",
        params={"maxWidthPx": PHOTO_WIDTH_PX, "skipHttpRedirect": "true"},
        headers={"X-Goog-Api-Key": key},
    )
    answer = media.json()
    uri = answer.get("photoUri") if isinstance(answer, dict) else None
    if not _link(uri):
        raise SourceError(f"Google gave no address for {photo.name}.")
    # The image's own host: without the key.
    image = await request(http, "GET", str(uri), what="Google photo image", follow_redirects=True)
    png = image.headers.get("content-type", "").startswith("image/png")
    name = "photo.png" if png else "photo.jpg"
    try:
        return await asyncio.to_thread(
            photos.process, image.content, name, settings.max_photo_bytes
        )
    except PirepError as refused:
        logger.warning("A Google photo of %s is not kept: %s", photo.name, refused)
        return None


async def cache_external_photos(
    engine: AsyncEngine,
    settings: Settings,
    *,
    sink: Sink | None = None,
    client: httpx.AsyncClient | None = None,
) -> dict[str, int]:
    """Look up the airports whose photos were asked for; counts of airports with photos,
    without, and failed."""
    counts = {"with_photos": 0, "without": 0, "failed": 0}
    key = settings.google_api_key
    if not key:
        return counts
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        due = (
            await session.execute(
                sa.text(
                    "SELECT a.id, a.code, a.name, a.latitude, a.longitude "
                    "FROM external_photo_lookups l JOIN airports a ON a.id = l.airport_id "
                    "WHERE (l.looked_up_at IS NULL OR l.looked_up_at < l.requested_at) "
                    "AND l.requested_at > now() - interval '1 day' "
                    "AND (l.failed_at IS NULL OR l.failed_at < now() - interval '1 hour') "
                    "ORDER BY l.requested_at LIMIT :n"
                ),
                {"n": BATCH},
            )
        ).all()
    sink = sink or sink_from_settings(settings)
    own_client = client is None
    http = client or httpx.AsyncClient(timeout=settings.http_timeout_seconds)
    try:
        for airport in due:
            stored: list[str] = []
            try:
                found = await _look_up(http, settings, key, sink, airport, stored)
            except (SourceError, ValueError, StorageFailed) as error:
                counts["failed"] += 1
                logger.error("No Google photos of %s this time: %s", airport.code, error)
                await delete_files(sink, stored, "Google photo")
                async with sessions() as session, session.begin():
                    await session.execute(
                        sa.text(
                            "UPDATE external_photo_lookups SET failed_at = now() "
                            "WHERE airport_id = :id"
                        ),
                        {"id": airport.id},
                    )
                continue
            counts["with_photos" if found else "without"] += 1
            try:
                await _keep(sessions, airport.id, found)
            except Exception:
                await delete_files(sink, stored, "Google photo")
                raise
    finally:
        if own_client:
            await http.aclose()
    logger.info(
        "Google photos: %(with_photos)d airports with, %(without)d without, %(failed)d failed.",
        counts,
    )
    return counts


Stored = list[tuple[uuid.UUID, str, photos.ProcessedPhoto, list[dict[str, str]]]]


async def _look_up(
    http: httpx.AsyncClient,
    settings: Settings,
    key: str,
    sink: Sink,
    airport: sa.Row[Any],
    stored: list[str],
) -> Stored:
    """Find, download and store the airport's photos (``stored`` names the files put, for the
    caller to delete should it fail)."""
    answer = await request(
        http,
        "POST",
        f"{settings.google_places_url}/v1/places:searchText",
        what="Google Places search",
        headers={"X-Goog-Api-Key": key, "X-Goog-FieldMask": FIELDS},
        json={
            "textQuery": search_text(airport.code, airport.name),
            "locationBias": {
                "circle": {
                    "center": {"latitude": airport.latitude, "longitude": airport.longitude},
                    "radius": RADIUS_M,
                }
            },
            "pageSize": 5,
        },
    )
    found: Stored = []
    for photo in nearby_photos(answer.json(), airport.latitude, airport.longitude):
        image = await _download(http, settings, key, photo)
        if image is None:
            continue
        photo_id = uuid.uuid4()
        storage_key = f"photos/{airport.id}/{photo_id}{image.extension}"
        await asyncio.to_thread(sink.put, storage_key, image.body)
        stored.append(storage_key)
        found.append((photo_id, storage_key, image, photo.attributions))
    return found


async def _keep(sessions: async_sessionmaker[Any], airport_id: uuid.UUID, found: Stored) -> None:
    """Record the photos and the answer in one transaction; readers see the photos next."""
    async with sessions() as session, session.begin():
        for photo_id, storage_key, image, attributions in found:
            await repository.add_photo(
                session,
                photo_id=photo_id,
                airport_id=airport_id,
                uploader_id=None,
                key=storage_key,
                photo=image,
                attributions=attributions,
            )
        await session.execute(
            sa.text(
                "UPDATE external_photo_lookups SET looked_up_at = now(), found = :found, "
                "failed_at = NULL WHERE airport_id = :id"
            ),
            {"id": airport_id, "found": len(found)},
        )
        if found:
            await record(session, ChangeKind.PHOTO, {airport_id: ["photos"]})
