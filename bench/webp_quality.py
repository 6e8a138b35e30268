"""Benchmark: WebP quality against tile size, on real chart pixels (the sample chart, a crop of
the Seattle sectional), to choose the default quality of chart tiles.

Every tile of the sample chart at zooms 11 and 12 is rendered losslessly in memory, then encoded
at each quality; printed are the bytes per tile and how far the decoded pixels are from the
lossless ones (mean absolute difference and PSNR over the chart's opaque pixels). The original
used quality 25.
"""

from __future__ import annotations

import io
import math
import time

import numpy as np
from PIL import Image

from importer.charts import encode, tiler, warp
from importer.charts.catalogue import SAMPLE_CHARTS
from importer.charts.grid import META
from importer.charts.tiler import ChartSource, TileOptions

QUALITIES = (25, 50, 60, 70, 75, 80, 85, 90, 95)


def sample_tiles() -> list[Image.Image]:
    archive = tiler.__file__.rsplit("/importer/", 1)[0] + "/importer/sample_data/charts_test.zip"
    chart = SAMPLE_CHARTS[0]
    prepared = warp.prepare(
        ChartSource(chart.name, f"/vsizip/{archive}/{chart.tif}", chart.cutline_geometry())
    )
    tiles = []
    for zoom in (11, 12):
        for task in tiler._top_tasks([prepared], zoom):
            canvas, _ = warp.warp_metatile(task)
            for row in range(META):
                for column in range(META):
                    tile = encode.tile_image(canvas, row, column)
                    if tile.getchannel(3).getbbox():
                        tiles.append(tile)
    return tiles


def main() -> None:
    tiles = sample_tiles()
    method = TileOptions(0, 0).method
    print(f"{len(tiles)} tiles of the sample chart (zooms 11-12), WebP method {method}")
    print(f"{'quality':>8}{'bytes/tile':>12}{'mean abs diff':>15}{'PSNR dB':>9}{'ms/tile':>9}")
    for quality in QUALITIES:
        sizes, errors, squared, spent = [], [], [], 0.0
        for tile in tiles:
            reference = np.asarray(tile.convert("RGBA"), dtype=np.float64)
            started = time.perf_counter()
            body = tiler.encode_webp(tile, quality, method, opaque=False)
            spent += time.perf_counter() - started
            decoded = np.asarray(Image.open(io.BytesIO(body)).convert("RGBA"), dtype=np.float64)
            opaque = reference[..., 3] == 255
            if opaque.any():
                difference = decoded[..., :3][opaque] - reference[..., :3][opaque]
                errors.append(np.abs(difference).mean())
                squared.append((difference**2).mean())
            sizes.append(len(body))
        psnr = 10 * math.log10(255**2 / max(float(np.mean(squared)), 1e-9))
        print(
            f"{quality:>8}{np.mean(sizes):>12,.0f}{np.mean(errors):>15.2f}{psnr:>9.1f}"
            f"{spent / len(tiles) * 1000:>9.2f}"
        )


if __name__ == "__main__":
    main()
