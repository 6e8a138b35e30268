"""Airport bounding boxes from OpenStreetMap (Overpass), once per airport: the ways of the
airport's runways, taxiways, aprons, terminals and hangars within 1.2 km, or failing those the
aerodrome's outline; the box of their nodes lets the map fit the whole airport. It refines the
outline the import computed offline from the runways, which stays where OpenStreetMap has
nothing."""

from __future__ import annotations

import logging
import math
import uuid
from dataclasses import dataclass

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.core.changes import ChangeKind, record
from api.core.settings import Settings
from api.jobs.http import SourceError, request

logger = logging.getLogger("api.jobs")

RADIUS_KM = 1.2
KM_PER_DEGREE = 111.32
# The original's queries, most precise first.
QUERIES = ("runway|terminal|taxiway|apron|hangar", "aerodrome", "runway|terminal")
# Overpass asks its users to keep to a few queries at a time: a batch per run.
BATCH = 50


@dataclass(frozen=True, slots=True)
class Box:
    ne_latitude: float
    ne_longitude: float
    sw_latitude: float
    sw_longitude: float


def search_area(latitude: float, longitude: float) -> tuple[float, float, float, float]:
    """South, west, north, east of the square of RADIUS_KM around a point."""
    dlat = RADIUS_KM / KM_PER_DEGREE
    dlon = RADIUS_KM / (KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    return latitude - dlat, longitude - dlon, latitude + dlat, longitude + dlon


def overpass_query(aeroways: str, area: tuple[float, float, float, float]) -> str:
    south, west, north, east = area
    return (
        f'[out:json][timeout:25];way[aeroway~"{aeroways}"]'
        f"({south:.6f},{west:.6f},{north:.6f},{east:.6f});(._;>;);out qt;"
    )


def box_of(answer: object) -> Box | None:
    """The box around every node of an Overpass answer; None when it has none."""
    elements = answer.get("elements") if isinstance(answer, dict) else None
    if not isinstance(elements, list):
        raise SourceError("Overpass answered without an `elements` list.")
    points = [
        (element["lat"], element["lon"])
        for element in elements
        if isinstance(element, dict)
        and element.get("type") == "node"
        and isinstance(element.get("lat"), int | float)
        and isinstance(element.get("lon"), int | float)
    ]
    if not points:
        return None
    latitudes, longitudes = zip(*points, strict=True)
    return Box(max(latitudes), max(longitudes), min(latitudes), min(longitudes))


async def find_box(
    http: httpx.AsyncClient, settings: Settings, latitude: float, longitude: float
) -> Box | None:
    """The airport's box, trying each query in turn; None when OpenStreetMap has nothing."""
    area = search_area(latitude, longitude)
    failures = 0
    for aeroways in QUERIES:
        try:
            answer = await request(
                http,
                "POST",
                settings.overpass_url,
                what="Overpass",
                data={"data": overpass_query(aeroways, area)},
            )
            box = box_of(answer.json())
        except (SourceError, ValueError) as error:
            failures += 1
            logger.warning("Overpass query for %s failed: %s", aeroways, error)
            continue
        if box is not None:
            return box
    if failures == len(QUERIES):
        raise SourceError("Overpass could not be asked about this airport.")
    return None


async def fill_in_bounding_boxes(
    engine: AsyncEngine, settings: Settings, *, client: httpx.AsyncClient | None = None
) -> dict[str, int]:
    """Look up the box of up to BATCH airports not yet checked (user-added airports first);
    each is checked once, found or not. A source failure leaves that airport for next time."""
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        rows = (
            await session.execute(
                sa.text(
                    "SELECT id, code, latitude, longitude FROM airports WHERE NOT bbox_checked "
                    "ORDER BY data_source = 'user_contributed' DESC, created_at DESC LIMIT :n"
                ),
                {"n": BATCH},
            )
        ).all()
    counts = {"found": 0, "none": 0, "failed": 0}
    outlined: list[uuid.UUID] = []
    own_client = client is None
    http = client or httpx.AsyncClient(timeout=settings.http_timeout_seconds)
    try:
        for row in rows:
            try:
                box = await find_box(http, settings, row.latitude, row.longitude)
            except SourceError as error:
                counts["failed"] += 1
                logger.error("No bounding box for %s this time: %s", row.code, error)
                continue
            async with sessions() as session, session.begin():
                await _store(session, row.id, box)
            counts["found" if box else "none"] += 1
            if box:
                outlined.append(row.id)
    finally:
        if own_client:
            await http.aclose()
    if outlined:
        async with sessions() as session, session.begin():
            await record(session, ChangeKind.OUTLINE, dict.fromkeys(outlined, ("bounding_box",)))
    logger.info("Bounding boxes: %(found)d found, %(none)d none, %(failed)d failed.", counts)
    return counts


async def _store(session: AsyncSession, airport_id: object, box: Box | None) -> None:
    if box is None:
        # Nothing better than the outline the import computed from the runways: keep it.
        await session.execute(
            sa.text("UPDATE airports SET bbox_checked = true WHERE id = :id"), {"id": airport_id}
        )
        return
    await session.execute(
        sa.text(
            "UPDATE airports SET bbox_checked = true, bbox_ne_latitude = :ne_lat, "
            "bbox_ne_longitude = :ne_lon, bbox_sw_latitude = :sw_lat, bbox_sw_longitude = :sw_lon "
            "WHERE id = :id"
        ),
        {
            "id": airport_id,
            "ne_lat": box.ne_latitude,
            "ne_lon": box.ne_longitude,
            "sw_lat": box.sw_latitude,
            "sw_lon": box.sw_longitude,
        },
    )
