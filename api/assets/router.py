"""Stored files (chart archives, offline packs, airport diagrams) served by the API itself, when
no CDN serves them (the embedded default). Production points clients at the CDN instead
(`assets_url`). A `Range` request is answered 206 with those bytes: maps read the PMTiles
archives a few tiles at a time."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse

from api.core.errors import NotFound
from api.core.settings import Settings
from api.core.storage import CONTENT_TYPES, IMMUTABLE
from api.dependencies import StateDep

router = APIRouter(tags=["assets"])

# What readers fetch (the importer's manifests, JSON, are for the importer).
SERVED = {suffix: kind for suffix, kind in CONTENT_TYPES.items() if suffix != ".json"}


@router.get("/assets/{key:path}", name="file", include_in_schema=False)
async def stored_file(state: StateDep, key: str) -> Response:
    settings: Settings = state.settings
    parts = key.split("/")
    suffix = "." + key.rsplit(".", 1)[-1].lower() if "." in parts[-1] else ""
    if ".." in parts or "" in parts or suffix not in SERVED or parts[0] == "":
        raise NotFound(f"There is nothing at /assets/{key}.")
    path = settings.storage_root.joinpath(*parts)
    if not path.is_file():
        raise NotFound(f"There is nothing at /assets/{key}.")
    return FileResponse(path, media_type=SERVED[suffix], headers={"Cache-Control": IMMUTABLE})
