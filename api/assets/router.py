"""Stored files (chart tiles, airport diagrams) served by the API itself, when no CDN serves
them (the embedded default). Production points clients at the CDN instead (`assets_url`)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse

from api.core.errors import NotFound
from api.core.settings import Settings
from api.dependencies import StateDep

router = APIRouter(tags=["assets"])

IMMUTABLE = "public, max-age=31536000, immutable"
CONTENT_TYPES = {
    ".webp": "image/webp",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".zip": "application/zip",
    ".gpkg": "application/geopackage+sqlite3",
    ".geojson": "application/geo+json",
}
# A missing tile is simply a part of the map without a chart: say so briefly, and let the
# browser remember it for a while (the tile set of a cycle never changes).
EMPTY_TILE = "public, max-age=86400"


@router.get("/assets/{key:path}", name="file", include_in_schema=False)
async def stored_file(state: StateDep, key: str) -> Response:
    settings: Settings = state.settings
    parts = key.split("/")
    suffix = "." + key.rsplit(".", 1)[-1].lower() if "." in parts[-1] else ""
    if ".." in parts or "" in parts or suffix not in CONTENT_TYPES or parts[0] == "":
        raise NotFound(f"There is nothing at /assets/{key}.")
    path = settings.storage_root.joinpath(*parts)
    if not path.is_file():
        if parts[0] == "tiles":
            return Response(status_code=204, headers={"Cache-Control": EMPTY_TILE})
        raise NotFound(f"There is nothing at /assets/{key}.")
    return FileResponse(
        path, media_type=CONTENT_TYPES[suffix], headers={"Cache-Control": IMMUTABLE}
    )
