"""Serves the built SPA: its hashed files for a year, and `index.html` for every other page the
browser asks for (history-API routing), with the title, description and OpenGraph tags (the
cover photo or the diagram as the image) of the airport an `/airports/{code}` address names, so
shared links and crawlers see the airport. Those pages count against the read limit, as the
API's airport reads do."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import orjson
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.airports import service as airports_service
from api.core.errors import NotFound
from api.dependencies import limit_reads
from api.state import AppState, state_of

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
    image: str | None = None  # absolute, or relative to the site


# A link preview's description: the pilots' own description, cut at about this length.
DESCRIPTION_AT_MOST = 200
_MARKUP = re.compile(r"[*_`#>\[\]]|\(https?://[^)]*\)")


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
    extra = [f'<meta property="og:url" content="{html.escape(url)}" />']
    if page.image:
        image = html.escape(urljoin(url, page.image))
        extra += [
            f'<meta property="og:image" content="{image}" />',
            '<meta name="twitter:card" content="summary_large_image" />',
        ]
    lines = "\n    ".join(extra)
    return document.replace("</head>", f"    {lines}\n  </head>", 1)


async def airport_page(state: AppState, code: str) -> Page | None:
    """The airport's page as link previews show it, from its detail document (cached)."""
    async with state.session_factory() as session:
        try:
            body = await airports_service.airport_detail(
                session, code, state.detail_cache, state.settings.assets_base
            )
        except NotFound:
            return None
    detail = orjson.loads(body)
    name, place = (
        detail["name"],
        ", ".join(part for part in (detail.get("city"), detail.get("state")) if part),
    )
    where = f" in {place}" if place else ""
    description = (
        f"{name} ({detail['code']}){where}: runways, frequencies, fuel, and what pilots who "
        "have been there say about parking, fees, crew cars and more."
    )
    written = ((detail.get("wiki") or {}).get("description") or {}).get("text")
    if written:
        description = _shortened(f"{name} ({detail['code']}): {_MARKUP.sub('', written)}")
    return Page(
        title=f"{detail['code']} - {name} · Pirep", description=description, image=_image(detail)
    )


def _image(detail: dict[str, Any]) -> str | None:
    """The cover photo, else the newest photo, else the airport diagram."""
    photos = detail.get("photos") or []
    cover = [photo for photo in photos if photo["id"] == detail.get("featured_photo_id")]
    if cover or photos:
        return str((cover or photos)[0]["url"])
    diagram = detail.get("diagram")
    return str(diagram["png"]) if diagram else None


def _shortened(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= DESCRIPTION_AT_MOST:
        return flat
    return flat[:DESCRIPTION_AT_MOST].rsplit(" ", 1)[0] + "…"


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
        state = state_of(request.app)
        await limit_reads(request, state)
        found = await airport_page(state, match.group(1))
        if found is None:
            return HTMLResponse(document, status_code=404, headers=headers)
        return HTMLResponse(with_page(document, found, str(request.url)), headers=headers)

    app.include_router(router)
