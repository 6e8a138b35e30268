"""PMTiles archives of 256 px WebP map tiles (https://docs.protomaps.com/pmtiles/), as the
importer writes each chart layer and the offline packs each chart region: the tiles in tile id
order (a clustered archive, which a map reads in few, nearby byte ranges), their bounds and
zooms in the header, a description in the metadata."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pmtiles.tile import Compression, TileType
from pmtiles.writer import Writer

Bounds = tuple[float, float, float, float]  # west, south, east, north (degrees)


def write_webp_archive(
    path: Path,
    tiles: Iterable[tuple[int, bytes]],
    bounds: Bounds,
    center_zoom: int,
    metadata: Mapping[str, Any],
) -> None:
    """Write ``tiles`` (tile id and WebP bytes, in tile id order) into a new archive."""
    west, south, east, north = bounds
    header = {
        "tile_type": TileType.WEBP,
        "tile_compression": Compression.NONE,
        "min_lon_e7": int(west * 1e7),
        "min_lat_e7": int(south * 1e7),
        "max_lon_e7": int(east * 1e7),
        "max_lat_e7": int(north * 1e7),
        "center_zoom": center_zoom,
        "center_lon_e7": int((west + east) / 2 * 1e7),
        "center_lat_e7": int((south + north) / 2 * 1e7),
    }
    with path.open("wb") as output:
        writer = Writer(output)
        for tile_id, body in tiles:
            writer.write_tile(tile_id, body)
        writer.finalize(header, dict(metadata))
