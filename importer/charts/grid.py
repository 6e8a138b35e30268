"""The map's tile grid: Web Mercator XYZ tiles of 256 px (morecantile's ``WebMercatorQuad``),
and the metatiles of ``META`` × ``META`` tiles the tiler works in."""

from __future__ import annotations

import math
from typing import Any

import morecantile
import numpy as np

GRID = morecantile.tms.get("WebMercatorQuad")
TILE = 256
META = 8  # tiles per metatile side: 2048 px, 16 MB of RGBA
# A metatile of zoom z is the area of one tile ``LEVELS_PER_PASS`` zooms below it.
LEVELS_PER_PASS = int(math.log2(META))

# A metatile's pixels (or a level below it): rows, columns, premultiplied RGBA.
Canvas = np.ndarray[Any, np.dtype[np.uint8]]

Bounds = tuple[float, float, float, float]


def resolution(zoom: int) -> float:
    """Metres per pixel of Web Mercator at ``zoom``."""
    return float(GRID.matrix(zoom).cellSize)


def metatile_origin(zoom: int, mx: int, my: int) -> tuple[float, float]:
    """The top left corner of metatile ``mx``, ``my`` of ``zoom`` in Web Mercator metres."""
    bounds = GRID.xy_bounds(morecantile.Tile(mx * META, my * META, zoom))
    return bounds.left, bounds.top


def metatiles(bounds: Bounds, zoom: int) -> list[tuple[int, int]]:
    """The metatiles of ``zoom`` that longitude/latitude ``bounds`` reach, as ``mx``, ``my``
    (west > east: the bounds cross the antimeridian)."""
    if zoom < LEVELS_PER_PASS:  # the whole world is one metatile
        return [(0, 0)]
    west, south, east, north = bounds
    return [
        (tile.x, tile.y) for tile in GRID.tiles(west, south, east, north, [zoom - LEVELS_PER_PASS])
    ]
