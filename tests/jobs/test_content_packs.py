"""ForeFlight content packs: built from the tagged airports, stored, listed by the API and
served; read back as ForeFlight would (manifest, KML placemarks)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

import httpx
import pypdfium2 as pdfium
import sqlalchemy as sa
from defusedxml import ElementTree
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.core.settings import Settings
from api.jobs.content_packs import PACKS, build_content_packs
from tests.jobs.test_worker import sample as sample

KML = {"k": "http://www.opengis.net/kml/2.2"}
BUILT = datetime(2026, 12, 1, 0, 0, 5, tzinfo=UTC)


def _pdf() -> bytes:
    """A one-page PDF, as the importer stores a diagram."""
    document = pdfium.PdfDocument.new()
    document.new_page(612, 792)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


async def tag(engine: AsyncEngine, code: str, *tags: str, description: str | None = None) -> None:
    async with engine.begin() as connection:
        for name in tags:
            await connection.execute(
                sa.text(
                    "INSERT INTO tags (airport_id, name) SELECT id, :name FROM airports "
                    "WHERE code = :code"
                ),
                {"name": name, "code": code},
            )
        if description:
            await connection.execute(
                sa.text("UPDATE airports SET description = :text WHERE code = :code"),
                {"text": description, "code": code},
            )


async def test_packs_are_built_listed_and_read_back_like_foreflight_would(
    sample: tuple[Settings, AsyncEngine],
) -> None:
    settings, engine = sample
    await tag(engine, "PAE", "food", description="Great **burgers** at the Hangar Cafe")
    await tag(engine, "BFI", "food", "camping")
    await tag(engine, "AWO", "golfing")

    # PAE has an airport diagram in storage; BFI's is missing (left out, not a failure).
    pdf = _pdf()
    async with engine.begin() as connection:
        await connection.execute(
            sa.text(
                "INSERT INTO faa_data_cycles (product, cycle, activated_at, details) "
                "VALUES ('diagrams', '2026-11-27', now(), '{}') ON CONFLICT (product) DO NOTHING"
            )
        )
        await connection.execute(
            sa.text("UPDATE airports SET diagram = code || 'AD.png' WHERE code IN ('PAE', 'BFI')")
        )
    stored_pdf = settings.storage_root / "diagrams" / "2026-11-27" / "PAEAD.pdf"
    stored_pdf.parent.mkdir(parents=True, exist_ok=True)
    stored_pdf.write_bytes(pdf)

    index = await build_content_packs(engine, settings, now=BUILT)

    assert [(item["id"], item["airports"]) for item in index] == [
        ("all_airports", 3), ("restaurants", 2), ("lodging", 0), ("camping", 1), ("cars", 0),
        ("golfing", 1),
    ]  # fmt: skip
    stored = settings.storage_root / "content-packs" / "2026-12" / "restaurants.zip"
    with zipfile.ZipFile(io.BytesIO(stored.read_bytes())) as archive:
        assert archive.namelist() == [
            "pirep_restaurants/manifest.json",
            "pirep_restaurants/navdata/Pirep - Restaurants.kml",
            "pirep_restaurants/navdata/KPAE Info.pdf",
        ]
        packed = archive.read("pirep_restaurants/navdata/KPAE Info.pdf")
        assert packed == pdf
        assert len(pdfium.PdfDocument(packed)) == 1
        manifest = json.loads(archive.read("pirep_restaurants/manifest.json"))
        document = ElementTree.fromstring(
            archive.read("pirep_restaurants/navdata/Pirep - Restaurants.kml")
        )
    assert manifest == {
        "name": "Pirep - Restaurants",
        "abbreviation": "PIREP-FOOD",
        "version": "2026-12-01T00:00:05+00:00",
        "organizationName": "Pirep.io",
    }
    placemarks = {
        mark.findtext("k:name", namespaces=KML): mark
        for mark in document.findall("k:Document/k:Placemark", KML)
    }
    assert sorted(placemarks) == ["KBFI", "KPAE"]
    paine = placemarks["KPAE"]
    longitude, latitude, _ = paine.findtext("k:Point/k:coordinates", namespaces=KML).split(",")
    assert (round(float(latitude), 2), round(float(longitude), 2)) == (47.91, -122.28)
    description = paine.findtext("k:description", namespaces=KML)
    assert "<strong>burgers</strong>" in description
    assert 'href="http://localhost:8000/airports/PAE"' in description
    assert paine.findtext("k:styleUrl", namespaces=KML) == "#pirep"

    # The API lists the packs, and the embedded default serves them under /assets.
    transport = httpx.ASGITransport(create_app(settings, engine=engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        listed = (await client.get("/api/v1/content-packs")).json()
        assert [pack["id"] for pack in listed] == [pack.id for pack in PACKS]
        restaurants = listed[1]
        assert restaurants["url"] == "/assets/content-packs/2026-12/restaurants.zip"
        assert restaurants["name"] == "Pirep - Restaurants"
        download = await client.get(restaurants["url"])
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    assert download.content == stored.read_bytes()


async def test_before_the_first_build_there_are_no_packs(
    sample: tuple[Settings, AsyncEngine],
) -> None:
    settings, engine = sample
    transport = httpx.ASGITransport(create_app(settings, engine=engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/api/v1/content-packs")).json() == []
