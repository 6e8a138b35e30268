"""robots.txt and the sitemap: an index of files of at most 40,000 addresses each (the
protocol allows 50,000), built from the database on request and cached by clients for an hour."""

from __future__ import annotations

from xml.sax.saxutils import escape

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response

from api.core.errors import NotFound
from api.core.settings import Settings
from api.dependencies import SessionDep, StateDep
from api.models import Airport
from api.state import AppState

router = APIRouter(include_in_schema=False)

PER_FILE = 40_000
CACHE = "public, max-age=3600"
XML = "application/xml"
# Pages that are the same for everyone, worth finding.
PAGES = ("/", "/search", "/leaderboard", "/about")


def _base(state: AppState) -> str:
    settings: Settings = state.settings
    return settings.public_url.rstrip("/")


def _xml(body: str) -> Response:
    document = '<?xml version="1.0" encoding="UTF-8"?>\n' + body
    return Response(document, media_type=XML, headers={"Cache-Control": CACHE})


@router.get("/robots.txt")
async def robots(state: StateDep) -> PlainTextResponse:
    text = (
        "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /account\nDisallow: /api/\n"
        f"Sitemap: {_base(state)}/sitemap.xml\n"
    )
    return PlainTextResponse(text, headers={"Cache-Control": CACHE})


@router.get("/sitemap.xml")
async def sitemap_index(state: StateDep, session: SessionDep) -> Response:
    airports = await session.scalar(sa.select(sa.func.count()).select_from(Airport)) or 0
    files = ["pages"] + [f"airports-{n}" for n in range(1, (airports - 1) // PER_FILE + 2)]
    base = _base(state)
    entries = "".join(
        f"<sitemap><loc>{escape(base)}/sitemaps/{name}.xml</loc></sitemap>" for name in files
    )
    return _xml(
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>\n'
    )


@router.get("/sitemaps/pages.xml")
async def sitemap_pages(state: StateDep) -> Response:
    base = escape(_base(state))
    entries = "".join(f"<url><loc>{base}{path}</loc></url>" for path in PAGES)
    return _xml(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n')


@router.get("/sitemaps/airports-{number}.xml")
async def sitemap_airports(state: StateDep, session: SessionDep, number: int) -> Response:
    if number < 1:
        raise NotFound(f"There is no sitemap airports-{number}.xml.")
    rows = (
        await session.execute(
            sa.select(Airport.code, Airport.updated_at)
            .order_by(Airport.code)
            .offset((number - 1) * PER_FILE)
            .limit(PER_FILE)
        )
    ).all()
    if not rows:
        raise NotFound(f"There is no sitemap airports-{number}.xml.")
    base = escape(_base(state))
    entries = "".join(
        f"<url><loc>{base}/airports/{escape(row.code)}</loc>"
        f"<lastmod>{row.updated_at.date().isoformat()}</lastmod></url>"
        for row in rows
    )
    return _xml(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n')
