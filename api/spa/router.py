"""Serves the built SPA: its hashed files for a year, and `index.html` for every other page the
browser asks for (history-API routing), with the title, description and OpenGraph tags of the
airport an `/airports/{code}` address names, so shared links and crawlers see the airport."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.airports.repository import find_airport
from api.core.errors import NotFound
from api.core.names import display_name, display_optional
from api.state import state_of

IMMUTABLE = "public, max-age=31536000, immutable"
# Pages are small and change with each deployment: always ask the server.
REVALIDATE = "no-cache"
# Paths that belong to the API, never to the SPA.
API_PREFIXES = ("api/", "assets/", "health")
AIRPORT_PATH = re.compile(r"^airports/([A-Za-z0-9-]{2,10})(?:/.*)?$")
ROOT_FILES = {".svg": "image/svg+xml", ".ico": "image/x-icon", ".txt": "text/plain"}


@dataclass(frozen=True, slots=True)
class Page:
    title: str
    description: str


def default_spa_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "frontend" / "dist"


def with_page(document: str, page: Page, url: str) -> str:
    """index.html with the page's title, description and OpenGraph tags."""
    title, description = html.escape(page.title), html.escape(page.description)
    document = re.sub(r"<title>.*?</title>", f"<title>{title}</title>", document, count=1)
    for name, value in (
        ('name="description"', description),
        ('property="og:title"', title),
        ('property="og:description"', description),
    ):
        start = document.find(f"<meta {name} content=")
        if start >= 0:
            end = document.index(">", start)
            document = f'{document[:start]}<meta {name} content="{value}" /{document[end:]}'
    extra = f'<meta property="og:url" content="{html.escape(url)}" />'
    return document.replace("</head>", f"    {extra}\n  </head>", 1)


async def airport_page(factory: async_sessionmaker, code: str) -> Page | None:  # type: ignore[type-arg]
    async with factory() as session:
        row = await find_airport(session, code)
    if row is None:
        return None
    name = display_name(row.name)
    place = ", ".join(part for part in (display_optional(row.city), row.state) if part)
    where = f" in {place}" if place else ""
    return Page(
        title=f"{row.code} - {name} · Pirep",
        description=f"{name} ({row.code}){where}: runways, frequencies, fuel, and what "
        "pilots who have been there say about parking, fees, crew cars and more.",
    )


def install_spa(app: FastAPI, spa_dir: Path) -> None:
    """Serve the SPA built into ``spa_dir`` (it must hold index.html)."""
    index = spa_dir / "index.html"
    document = index.read_text(encoding="utf-8")
    static_root = (spa_dir / "static").resolve()
    root_files = {entry.name for entry in spa_dir.iterdir() if entry.is_file()}
    router = APIRouter(include_in_schema=False)

    @router.get("/static/{name:path}")
    def static(name: str) -> Response:  # a plain function: FastAPI runs it off the event loop
        path = (static_root / name).resolve()
        if not path.is_relative_to(static_root) or not path.is_file():
            raise NotFound(f"There is nothing at /static/{name}.")
        return FileResponse(path, headers={"Cache-Control": IMMUTABLE})

    @router.get("/{path:path}")
    async def page(request: Request, path: str) -> Response:
        if path.startswith(API_PREFIXES):
            raise NotFound(f"There is nothing at /{path}.")
        suffix = Path(path).suffix
        if suffix:  # a file, not a page: the build's own files only
            if "/" in path or suffix not in ROOT_FILES or path not in root_files:
                raise NotFound(f"There is nothing at /{path}.")
            return FileResponse(spa_dir / path, media_type=ROOT_FILES[suffix])
        headers = {"Cache-Control": REVALIDATE}
        match = AIRPORT_PATH.match(path)
        if match is None:
            return HTMLResponse(document, headers=headers)
        found = await airport_page(state_of(request.app).session_factory, match.group(1))
        if found is None:
            return HTMLResponse(document, status_code=404, headers=headers)
        return HTMLResponse(with_page(document, found, str(request.url)), headers=headers)

    app.include_router(router)
