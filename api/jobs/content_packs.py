"""Content packs for ForeFlight: once a month, one zip per group of tags (the original's
groups), each holding `pirep_<id>/manifest.json`, `pirep_<id>/navdata/<name>.kml` — a
placemark per airport with a styled icon and an HTML description of what pilots wrote — and,
as the original does, a PDF per airport beside it (`navdata/<ICAO or code> Info.pdf`): the
airport diagram of the active cycle, for the airports that have one.
Stored through the storage layer under a key of the month (never overwritten) and listed by
`GET /api/v1/content-packs` from the index kept in `cached_documents`.

The original rendered its airport page to PDF in a headless browser; the job image has no
browser, so the KML description carries the page's text instead."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from api.core import markdown
from api.core.settings import Settings
from api.core.storage import Sink, sink_from_settings
from api.meta.repository import PublishedPack, publish_content_packs

logger = logging.getLogger("api.jobs")

ORGANIZATION = "Pirep.io"


@dataclass(frozen=True, slots=True)
class Pack:
    id: str
    name: str
    abbreviation: str
    tags: tuple[str, ...]
    # ForeFlight's KML icons are Google's palette: one colour per pack.
    icon: str


PACKS = (
    Pack("all_airports", "All Airports", "PIREP", ("food", "lodging", "camping", "car", "golfing"),
         "http://maps.google.com/mapfiles/kml/paddle/blu-circle.png"),
    Pack("restaurants", "Restaurants", "PIREP-FOOD", ("food",),
         "http://maps.google.com/mapfiles/kml/paddle/red-circle.png"),
    Pack("lodging", "Lodging", "PIREP-LODGE", ("lodging",),
         "http://maps.google.com/mapfiles/kml/paddle/purple-circle.png"),
    Pack("camping", "Camping", "PIREP-CAMP", ("camping",),
         "http://maps.google.com/mapfiles/kml/paddle/grn-circle.png"),
    Pack("cars", "Car Rentals", "PIREP-CARS", ("car",),
         "http://maps.google.com/mapfiles/kml/paddle/ylw-circle.png"),
    Pack("golfing", "Golfing", "PIREP-GOLF", ("golfing",),
         "http://maps.google.com/mapfiles/kml/paddle/wht-circle.png"),
)  # fmt: skip

_AIRPORTS_SQL = sa.text(
    """
    SELECT a.code, a.icao_code, a.name, a.latitude, a.longitude, a.elevation_ft, a.city,
           a.state, a.description, a.transient_parking, a.fuel_location, a.crew_car,
           array_agg(t.name ORDER BY t.name) AS tags,
           CASE WHEN a.diagram IS NOT NULL AND dc.cycle IS NOT NULL
                THEN 'diagrams/' || to_char(dc.cycle, 'YYYY-MM-DD') || '/'
                     || replace(a.diagram, '.png', '.pdf') END AS diagram_pdf
    FROM airports a JOIN tags t ON t.airport_id = a.id
    LEFT JOIN faa_data_cycles dc ON dc.product = 'diagrams'
    WHERE t.name = ANY(:tags)
    GROUP BY a.id, dc.cycle ORDER BY a.code
    """
)
SECTIONS = (
    ("description", "Description"),
    ("transient_parking", "Transient Parking"),
    ("fuel_location", "Fuel Location"),
    ("crew_car", "Crew Car Availability"),
)


def placemark_html(row: Any, public_url: str) -> str:
    parts = [f"<p><b>{escape(row.name)}</b>"]
    place = ", ".join(part for part in (row.city, row.state) if part)
    if place:
        parts.append(f"<br/>{escape(place)}")
    if row.elevation_ft is not None:
        parts.append(f"<br/>Elevation {row.elevation_ft:,} ft")
    parts.append("</p>")
    for column, title in SECTIONS:
        text = getattr(row, column)
        if text:
            parts.append(f"<h3>{title}</h3>{markdown.render(text)}")
    parts.append(
        f'<p><a href="{escape(public_url)}/airports/{escape(row.code)}">More on Pirep</a></p>'
    )
    return "".join(parts)


def _cdata(html: str) -> str:
    return "<![CDATA[" + html.replace("]]>", "]]&gt;") + "]]>"


def kml(pack: Pack, rows: list[Any], public_url: str) -> str:
    placemarks = "".join(
        "<Placemark>"
        f"<name>{escape(row.icao_code or row.code)}</name>"
        f"<description>{_cdata(placemark_html(row, public_url))}</description>"
        "<styleUrl>#pirep</styleUrl>"
        f"<Point><coordinates>{row.longitude},{row.latitude},0</coordinates></Point>"
        "</Placemark>"
        for row in rows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<name>Pirep - {escape(pack.name)}</name>"
        '<Style id="pirep"><IconStyle><Icon>'
        f"<href>{escape(pack.icon)}</href>"
        "</Icon></IconStyle></Style>"
        f"{placemarks}</Document></kml>\n"
    )


def pack_zip(
    pack: Pack,
    rows: list[Any],
    version: str,
    public_url: str,
    pdfs: dict[str, bytes] | None = None,
) -> bytes:
    """The pack's zip; ``pdfs``: each airport's PDF by storage key (``diagram_pdf``)."""
    folder = f"pirep_{pack.id}"
    manifest = {
        "name": f"Pirep - {pack.name}",
        "abbreviation": pack.abbreviation,
        "version": version,
        "organizationName": ORGANIZATION,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}/manifest.json", json.dumps(manifest, indent=2))
        archive.writestr(f"{folder}/navdata/Pirep - {pack.name}.kml", kml(pack, rows, public_url))
        for row in rows:
            pdf = (pdfs or {}).get(row.diagram_pdf or "")
            if pdf is not None:
                # Stored compressed already: deflating a PDF again saves nothing.
                name = f"{folder}/navdata/{row.icao_code or row.code} Info.pdf"
                archive.writestr(name, pdf, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


async def build_content_packs(
    engine: AsyncEngine,
    settings: Settings,
    *,
    sink: Sink | None = None,
    now: datetime | None = None,
) -> list[PublishedPack]:
    """Build and store every pack, then publish their index; the index."""
    now = now or datetime.now(UTC)
    version = now.replace(microsecond=0).isoformat()
    sink = sink or sink_from_settings(settings)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    public_url = settings.public_url.rstrip("/")
    index: list[PublishedPack] = []
    pdfs: dict[str, bytes] = {}  # read once for all the packs an airport is in
    async with sessions() as session:
        for pack in PACKS:
            rows = list((await session.execute(_AIRPORTS_SQL, {"tags": list(pack.tags)})).all())
            for key in {row.diagram_pdf for row in rows if row.diagram_pdf} - pdfs.keys():
                pdf = await asyncio.to_thread(sink.get, key)
                if pdf is None:
                    logger.warning("The diagram %s is not in storage: left out of the packs.", key)
                pdfs[key] = pdf or b""
            found = {key: pdf for key, pdf in pdfs.items() if pdf}
            body = pack_zip(pack, rows, version, public_url, found)
            key = f"content-packs/{now:%Y-%m}/{pack.id}.zip"
            await asyncio.to_thread(sink.put, key, body)
            index.append(
                PublishedPack(
                    id=pack.id,
                    name=f"Pirep - {pack.name}",
                    airports=len(rows),
                    size_bytes=len(body),
                    version=version,
                    key=key,
                )
            )
            logger.info("Content pack %s: %d airports, %d bytes.", pack.id, len(rows), len(body))
    async with sessions() as session, session.begin():
        await publish_content_packs(session, index)
    return index
