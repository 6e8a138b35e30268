"""Benchmark: our chart tiler against gdal2tiles.py on a chart the size of a sectional.

Both tile the same synthetic chart (16,800 × 12,000 px, paletted, Lambert Conformal Conic,
42.336 m/px, LZW, 512 px blocks) at zooms 0-12 into WebP of the same quality on the same two
processes. Ours writes one PMTiles archive, gdal2tiles a directory of files. Printed: wall times
and their ratio, tiles/s, peak memory, bytes written, the "encode-only floor" (encoding our
final tiles from memory, nothing else), and how alike the two tile sets are (keys, mean
absolute pixel difference).

gdal2tiles comes from Debian (`apt-get install gdal-bin python3-gdal`, done here if missing).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
from PIL import Image
from pmtiles.reader import MmapSource, all_tiles
from rasterio.crs import CRS
from rasterio.transform import Affine

from importer.charts.tiler import ChartSource, TileOptions, encode_webp, tile_layer

WIDTH, HEIGHT, PIXEL = 16_800, 12_000, 42.336
MIN_ZOOM, MAX_ZOOM, QUALITY, PROCESSES = 0, 12, 80, 2
LAMBERT = CRS.from_proj4(
    "+proj=lcc +lat_0=37.5 +lon_0=-107.5 +lat_1=38.6666667 +lat_2=33.3333333 +x_0=0 +y_0=0 "
    "+datum=NAD83 +units=m +no_defs"
)
GDAL2TILES = "/usr/bin/gdal2tiles.py"


def make_chart(path: Path) -> None:
    """A chart-like paletted GeoTIFF: tinted terrain bands, water, grid lines and 'text'
    strokes on a light background, written strip by strip."""
    rng = np.random.default_rng(7)
    palette = {0: (255, 255, 255, 255)}
    for index in range(1, 256):
        base = np.array([235, 225, 200]) - rng.integers(0, 120, 3)
        palette[index] = (*(int(v) for v in np.clip(base, 0, 255)), 255)
    coarse = rng.integers(1, 40, (HEIGHT // 400 + 2, WIDTH // 400 + 2)).astype(np.float32)
    profile = {
        "driver": "GTiff",
        "width": WIDTH,
        "height": HEIGHT,
        "count": 1,
        "dtype": "uint8",
        "crs": LAMBERT,
        "transform": Affine(PIXEL, 0, -WIDTH * PIXEL / 2, 0, -PIXEL, HEIGHT * PIXEL / 2),
        "compress": "lzw",
        "tiled": True,
        "blockxsize": 512,
        "blockysize": 512,
        "photometric": "palette",
    }
    with rasterio.open(path, "w", **profile) as chart:
        chart.write_colormap(1, palette)
        columns = np.arange(WIDTH)
        for top in range(0, HEIGHT, 512):
            rows = np.arange(top, min(top + 512, HEIGHT))
            # Smooth terrain: bilinear interpolation of a coarse random grid.
            gy, gx = rows[:, None] / 400, columns[None, :] / 400
            y0, x0 = gy.astype(int), gx.astype(int)
            fy, fx = gy - y0, gx - x0
            terrain = (
                coarse[y0, x0] * (1 - fy) * (1 - fx)
                + coarse[y0, x0 + 1] * (1 - fy) * fx
                + coarse[y0 + 1, x0] * fy * (1 - fx)
                + coarse[y0 + 1, x0 + 1] * fy * fx
            )
            strip = (terrain // 4 * 4 + 1).astype(np.uint8)
            strip[(rows[:, None] % 600 < 3) | (columns[None, :] % 600 < 3)] = 200  # grid
            strip[((rows[:, None] + columns[None, :]) % 997) < 2] = 220  # airways
            noise = rng.random(strip.shape) < 0.01
            strip[noise] = 250  # text and symbols, scattered
            chart.write(strip, 1, window=((top, top + len(rows)), (0, WIDTH)))


class PeakMemory:
    """Samples the resident memory of this process and all its descendants every 50 ms."""

    def __init__(self) -> None:
        self.peak_total = 0
        self.peak_single = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            sizes = [_rss(pid) for pid in _tree(os.getpid())]
            self.peak_total = max(self.peak_total, sum(sizes))
            self.peak_single = max(self.peak_single, max(sizes, default=0))


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rpartition(")")[2].split()[1])
            tree.setdefault(parent, []).append(int(entry))
    return tree


def _tree(root: int) -> Iterator[int]:
    children = _children()
    stack = [root]
    while stack:
        pid = stack.pop()
        yield pid
        stack.extend(children.get(pid, []))


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


@contextmanager
def measured() -> Iterator[dict[str, float]]:
    figures: dict[str, float] = {}
    with PeakMemory() as memory:
        started = time.perf_counter()
        yield figures
        figures["seconds"] = time.perf_counter() - started
    figures["peak_total_mb"] = memory.peak_total / 2**20
    figures["peak_single_mb"] = memory.peak_single / 2**20


def tile_files(root: Path) -> dict[str, Path]:
    return {str(path.relative_to(root)): path for path in root.rglob("*.webp") if path.is_file()}


def unpack(archive: Path, root: Path) -> dict[str, Path]:
    """The archive's tiles as z/x/y.webp files (to compare them with gdal2tiles')."""
    with archive.open("rb") as handle:
        for (zoom, x, y), body in all_tiles(MmapSource(handle)):
            path = root / str(zoom) / str(x) / f"{y}.webp"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
    return tile_files(root)


def _encode_share(paths: list[str]) -> float:
    """Seconds spent encoding these tiles again (decoding them first is not counted)."""
    method = TileOptions(0, 0).method
    spent = 0.0
    for start in range(0, len(paths), 256):
        tiles = []
        for path in paths[start : start + 256]:
            with Image.open(path) as image:
                rgba = image.convert("RGBA")
            tiles.append((rgba.convert("RGBa"), rgba.getextrema()[3][0] == 255))
        started = time.perf_counter()
        for tile, opaque in tiles:
            encode_webp(tile, QUALITY, method, opaque=opaque)
        spent += time.perf_counter() - started
    return spent


def encode_floor(files: list[Path]) -> float:
    shares = [[str(path) for path in files[number::PROCESSES]] for number in range(PROCESSES)]
    with ProcessPoolExecutor(PROCESSES) as pool:
        return max(pool.map(_encode_share, shares))


def compare(ours: dict[str, Path], theirs: dict[str, Path], sample: int = 400) -> dict[str, Any]:
    common = sorted(set(ours) & set(theirs))
    picked = random.Random(3).sample(common, min(sample, len(common)))
    differences = []
    for key in picked:
        a = np.asarray(Image.open(ours[key]).convert("RGBA"), dtype=np.int16)
        b = np.asarray(Image.open(theirs[key]).convert("RGBA"), dtype=np.int16)
        both = (a[..., 3] > 250) & (b[..., 3] > 250)
        if both.any():
            differences.append(float(np.abs(a[..., :3] - b[..., :3])[both].mean()))

    def visible(path: Path) -> bool:
        with Image.open(path) as image:
            return bool(image.convert("RGBA").getchannel("A").getbbox())

    return {
        "ours_only": sum(visible(ours[key]) for key in set(ours) - set(theirs)),
        # gdal2tiles also writes fully transparent tiles at the edges: those do not count.
        "theirs_only": sum(visible(theirs[key]) for key in set(theirs) - set(ours)),
        "theirs_empty": sum(not visible(theirs[key]) for key in set(theirs) - set(ours)),
        "common": len(common),
        "mean_abs_diff": float(np.mean(differences)) if differences else float("nan"),
        "max_tile_diff": max(differences, default=float("nan")),
    }


def ensure_gdal2tiles() -> None:
    if Path(GDAL2TILES).exists():
        return
    print("Installing gdal-bin and python3-gdal (the baseline) …", flush=True)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "gdal-bin", "python3-gdal"],
        check=True,
        env=environment,
    )


def run(label: str, work: Callable[[], None]) -> dict[str, float]:
    print(f"{label} …", flush=True)
    with measured() as figures:
        work()
    return figures


def main() -> None:
    ensure_gdal2tiles()
    with tempfile.TemporaryDirectory(prefix="pirep-bench-tiles-") as directory:
        root = Path(directory)
        chart = root / "chart.tif"
        print("Generating a sectional-sized chart …", flush=True)
        make_chart(chart)
        archive, theirs_dir = root / "ours.pmtiles", root / "gdal2tiles"
        options = TileOptions(MIN_ZOOM, MAX_ZOOM, quality=QUALITY, processes=PROCESSES)

        def ours() -> None:
            tile_layer([ChartSource("bench", str(chart))], archive, options)

        def theirs() -> None:
            vrt = root / "chart_rgba.vrt"
            subprocess.run(
                ["gdal_translate", "-q", "-of", "VRT", "-expand", "rgba", str(chart), str(vrt)],
                check=True,
            )
            subprocess.run(
                [
                    "/usr/bin/python3",
                    GDAL2TILES,
                    f"--processes={PROCESSES}",
                    "-z",
                    f"{MIN_ZOOM}-{MAX_ZOOM}",
                    "--xyz",
                    "-w",
                    "none",
                    "--tiledriver=WEBP",
                    f"--webp-quality={QUALITY}",
                    str(vrt),
                    str(theirs_dir),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )

        our_figures = run("our tiler", ours)
        their_figures = run("gdal2tiles.py", theirs)
        our_tiles = unpack(archive, root / "ours")
        their_tiles = tile_files(theirs_dir)
        print("encode-only floor …", flush=True)
        floor = encode_floor(list(our_tiles.values()))
        alike = compare(our_tiles, their_tiles)
        our_bytes = archive.stat().st_size
        their_bytes = sum(path.stat().st_size for path in their_tiles.values())

    print()
    print(
        f"Chart tiling, {WIDTH:,} × {HEIGHT:,} px paletted LCC chart, z{MIN_ZOOM}-{MAX_ZOOM}, "
        f"WebP quality {QUALITY}, {PROCESSES} processes"
    )
    print(f"{'':<16}{'seconds':>9}{'tiles':>8}{'tiles/s':>9}{'MB':>8}{'peak RSS MB':>22}")
    for label, figures, tiles, size in (
        ("ours", our_figures, len(our_tiles), our_bytes),
        ("gdal2tiles.py", their_figures, len(their_tiles), their_bytes),
    ):
        print(
            f"{label:<16}{figures['seconds']:>9.1f}{tiles:>8,}{tiles / figures['seconds']:>9.0f}"
            f"{size / 1e6:>8.1f}{figures['peak_single_mb']:>10.0f} largest "
            f"{figures['peak_total_mb']:>5.0f} all"
        )
    ratio = their_figures["seconds"] / our_figures["seconds"]
    print(f"speed-up over gdal2tiles: {ratio:.1f}×  (target ≥ 8×)")
    print(
        f"encode-only floor: {floor:.1f} s; ours is {our_figures['seconds'] / floor:.2f}× the "
        "floor (target ≤ 1.5×)"
    )
    print(
        f"tile sets: {alike['common']:,} in both, {alike['ours_only']} only ours, "
        f"{alike['theirs_only']} only gdal2tiles' (+{alike['theirs_empty']} fully transparent "
        "ones it writes); mean absolute pixel difference "
        f"{alike['mean_abs_diff']:.2f} / 255 over opaque pixels of 400 sampled tiles "
        f"(worst tile {alike['max_tile_diff']:.2f})"
    )


if __name__ == "__main__":
    sys.exit(main())
