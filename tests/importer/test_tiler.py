"""The chart tiler on the original's test chart and on small charts made for each case."""

from __future__ import annotations

import io
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
import rasterio
from PIL import Image
from pmtiles.reader import MmapSource, Reader, all_tiles
from pmtiles.tile import TileType, zxy_to_tileid
from rasterio.crs import CRS
from rasterio.transform import Affine

from importer.charts import tiler, warp
from importer.charts.catalogue import SAMPLE_CHARTS, load_cutline
from importer.charts.tiler import ChartError, ChartSource, TileOptions, tile_layer

FIXTURES = Path(__file__).parents[1] / "fixtures"
SAMPLE_ZIP = FIXTURES / "charts_test.zip"


def sample_sources() -> list[ChartSource]:
    return [
        ChartSource(chart.name, f"/vsizip/{SAMPLE_ZIP}/{chart.tif}", chart.cutline_geometry())
        for chart in SAMPLE_CHARTS
    ]


Tiles = dict[tuple[int, int, int], bytes]


def read_archive(path: Path) -> Tiles:
    """Every tile of a PMTiles archive, by zoom, x and y."""
    with path.open("rb") as handle:
        return dict(all_tiles(MmapSource(handle)))


def tile(tiles: Tiles, zoom: int, x: int, y: int) -> np.ndarray:
    with Image.open(io.BytesIO(tiles[(zoom, x, y)])) as image:
        return np.asarray(image.convert("RGBA"))


def make_chart(
    path: Path,
    colour: tuple[int, int, int],
    *,
    crs: str = "+proj=lcc +lat_0=47 +lon_0=-122 +lat_1=45 +lat_2=49 +datum=NAD83 +units=m",
    left: float = -20_000,
    top: float = 20_000,
    size: tuple[int, int] = (400, 400),
    pixel: float = 100.0,
    georeferenced: bool = True,
) -> Path:
    """A paletted chart of one colour (index 1), with a border of another (index 2)."""
    width, height = size
    pixels = np.ones((height, width), np.uint8)
    pixels[:2, :] = pixels[-2:, :] = pixels[:, :2] = pixels[:, -2:] = 2
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": "uint8",
        "photometric": "palette",
    }
    if georeferenced:
        profile |= {
            "crs": CRS.from_proj4(crs),
            "transform": Affine(pixel, 0, left, 0, -pixel, top),
        }
    with rasterio.open(path, "w", **profile) as chart:
        chart.write(pixels, 1)
        chart.write_colormap(1, {1: (*colour, 255), 2: (0, 0, 0, 255)})
    return path


def test_the_test_chart_gives_tiles_at_every_zoom(tmp_path: Path) -> None:
    archive = tmp_path / "sectional.pmtiles"
    result = tile_layer(
        sample_sources(), archive, TileOptions(0, 12, processes=2), metadata={"name": "Test"}
    )
    tiles = read_archive(archive)
    assert sorted(result.tiles_by_zoom) == list(range(13))
    assert result.tiles == len(tiles)
    assert result.bytes == sum(len(body) for body in tiles.values())
    assert result.bounds is not None
    west, south, east, north = result.bounds
    assert -122.40 < west < east < -122.15
    assert 47.82 < south < north < 47.99
    # The top zoom is sharp chart, transparent outside the cutline: some tile has both.
    tops = [tile(tiles, *key) for key in tiles if key[0] == 12]
    assert any((t[..., 3] == 0).any() and (t[..., 3] == 255).any() for t in tops)
    world = tile(tiles, 0, 0, 0)
    assert world.shape == (256, 256, 4)
    assert 0 < (world[..., 3] > 0).sum() < 10  # a speck: the chart covers 20 km


def test_the_archive_reads_back_tile_for_tile_by_its_directory(tmp_path: Path) -> None:
    """Every tile the tiler encoded is found where a PMTiles reader looks for it, in an
    archive clustered in tile id order, with the layer described in its header and metadata."""
    archive = tmp_path / "sectional.pmtiles"
    result = tile_layer(
        sample_sources(),
        archive,
        TileOptions(0, 14, processes=2),
        metadata={"name": "Sectional", "attribution": "FAA"},
    )
    with archive.open("rb") as handle:
        reader = Reader(MmapSource(handle))
        header, metadata = reader.header(), reader.metadata()
        listed = list(all_tiles(MmapSource(handle)))
        assert len(listed) == result.tiles
        for (zoom, x, y), body in listed:
            assert reader.get(zoom, x, y) == body
        # A place with no tile answers nothing.
        assert reader.get(14, 0, 0) is None
    ids = [zxy_to_tileid(*key) for key, _ in listed]
    assert ids == sorted(ids)
    assert header["clustered"] is True
    assert header["tile_type"] == TileType.WEBP
    assert (header["min_zoom"], header["max_zoom"]) == (0, 14)
    assert header["min_lon_e7"] / 1e7 == pytest.approx(result.bounds[0], abs=1e-6)
    assert metadata["name"] == "Sectional"
    assert metadata["attribution"] == "FAA"
    assert (metadata["format"], metadata["minzoom"], metadata["maxzoom"]) == ("webp", 0, 14)


def test_a_lower_zoom_is_the_average_of_the_one_above(tmp_path: Path) -> None:
    chart = make_chart(tmp_path / "green.tif", (40, 160, 60), size=(800, 800))
    archive = tmp_path / "green.pmtiles"
    tile_layer([ChartSource("green", str(chart))], archive, TileOptions(8, 12, processes=1))
    tiles = read_archive(archive)
    parents = sorted(key for key in tiles if key[0] == 11)
    assert parents
    checked = 0
    for _, x, y in parents:
        children = [(12, 2 * x + dx, 2 * y + dy) for dy in (0, 1) for dx in (0, 1)]
        if not all(child in tiles for child in children):
            continue
        quads = [tile(tiles, *child).astype(float) for child in children]
        whole = np.vstack([np.hstack(quads[:2]), np.hstack(quads[2:])])
        averaged = whole.reshape(256, 2, 256, 2, 4).mean(axis=(1, 3))
        mine = tile(tiles, 11, x, y).astype(float)
        opaque = (averaged[..., 3] > 250) & (mine[..., 3] > 250)
        assert np.abs(averaged[..., :3] - mine[..., :3])[opaque].mean() < 3
        checked += 1
    assert checked > 0


@pytest.mark.parametrize("order", ["red first", "blue first"])
def test_later_charts_are_drawn_on_top(tmp_path: Path, order: str) -> None:
    red = make_chart(tmp_path / "red.tif", (220, 30, 30))
    blue = make_chart(tmp_path / "blue.tif", (30, 30, 220), left=0)  # overlaps red's east half
    charts = [ChartSource("red", str(red)), ChartSource("blue", str(blue))]
    if order == "blue first":
        charts.reverse()
    archive = tmp_path / "layer.pmtiles"
    tile_layer(charts, archive, TileOptions(12, 12, processes=1))
    # At zoom 12 a tile is ~6.5 km: the overlap (0 to 20 km east of -122°) spans whole tiles.
    import math

    n = 2**12
    x = int((-122 + 180) / 360 * n + 0.5)  # the tile just east of -122°
    lat = math.radians(47)
    y = int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * n)
    pixels = tile(read_archive(archive), 12, x + 1, y)
    centre = pixels[128, 128]
    expected = (30, 30, 220) if order == "red first" else (220, 30, 30)
    assert np.abs(centre[:3].astype(int) - expected).max() < 12, centre


def test_a_chart_across_the_antimeridian_is_not_smeared_over_the_world(tmp_path: Path) -> None:
    chart = make_chart(
        tmp_path / "aleutians.tif",
        (200, 180, 120),
        crs="+proj=lcc +lat_0=52 +lon_0=180 +lat_1=50 +lat_2=54 +datum=NAD83 +units=m",
        left=-300_000,
        top=200_000,
        size=(600, 400),
        pixel=1000.0,
    )
    pieces = [
        ChartSource(name, str(chart), load_cutline(f"sectional/{name}"))
        for name in ("western_aleutian_islands_east_east", "western_aleutian_islands_east_west")
    ]
    archive = tmp_path / "aleutians.pmtiles"
    result = tile_layer(pieces, archive, TileOptions(0, 7, processes=1))
    columns = {x for zoom, x, _ in read_archive(archive) if zoom == 7}
    assert columns
    # Only the two edges of the world, never the 127 columns between them.
    assert all(column <= 2 or column >= 125 for column in columns), sorted(columns)
    assert {column <= 2 for column in columns} == {True, False}
    assert result.tiles_by_zoom[7] < 12


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_a_chart_without_georeferencing_is_refused_by_name(tmp_path: Path) -> None:
    chart = make_chart(tmp_path / "plain.tif", (1, 2, 3), georeferenced=False)
    with pytest.raises(ChartError, match=r"plain\.tif has no georeferencing"):
        tile_layer(
            [ChartSource("sectional/plain", str(chart))],
            tmp_path / "plain.pmtiles",
            TileOptions(0, 2, processes=1),
        )
    assert not (tmp_path / "plain.pmtiles").exists()


def test_an_unreadable_archive_is_refused_by_name(tmp_path: Path) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"<html>Service unavailable</html>")
    source = ChartSource("sectional/broken", f"/vsizip/{broken}/Charts Test SEC.tif")
    with pytest.raises(ChartError, match="sectional/broken: cannot read"):
        tile_layer([source], tmp_path / "broken.pmtiles", TileOptions(0, 2, processes=1))
    assert not (tmp_path / "broken.pmtiles").exists()


def test_tiles_are_webp_and_skip_the_empty(tmp_path: Path) -> None:
    archive = tmp_path / "one.zip"
    chart = make_chart(tmp_path / "one.tif", (90, 90, 200))
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(chart, "One SEC.tif")
    result = tile_layer(
        [ChartSource("one", f"/vsizip/{archive}/One SEC.tif")],
        tmp_path / "one.pmtiles",
        TileOptions(10, 11, quality=50, processes=1),
    )
    tiles = read_archive(tmp_path / "one.pmtiles")
    assert len(tiles) == result.tiles > 0
    for body in tiles.values():
        with Image.open(io.BytesIO(body)) as image:
            assert image.format == "WEBP"
            assert image.size == (256, 256)
            assert image.convert("RGBA").getchannel("A").getbbox() is not None


def test_a_chart_that_fails_midway_is_named_after_the_others_are_tiled(tmp_path: Path) -> None:
    red = make_chart(tmp_path / "red.tif", (220, 30, 30))
    blue = make_chart(tmp_path / "blue.tif", (30, 30, 220), left=0)
    whole = blue.read_bytes()
    blue.write_bytes(whole[: len(whole) // 3])  # its header is whole, its pixels cut short
    charts = [ChartSource("sectional/red", str(red)), ChartSource("sectional/blue", str(blue))]

    archive = tmp_path / "layer.pmtiles"
    with pytest.raises(ChartError) as raised:
        tile_layer(charts, archive, TileOptions(10, 12, processes=1))

    assert [failure.split(":")[0] for failure in raised.value.failures] == ["sectional/blue"]
    assert str(raised.value).startswith(f"sectional/blue: cannot read {blue}: ")
    # No archive of a layer that lacks a chart: the run that fixes it writes the whole layer.
    assert not archive.exists()


def test_a_layer_that_reaches_no_tile_is_refused(tmp_path: Path) -> None:
    chart = make_chart(tmp_path / "tiny.tif", (10, 200, 10), size=(40, 40))
    cutline = {"type": "Polygon", "coordinates": [[[0, 0], [0.001, 0], [0.001, 0.001], [0, 0]]]}
    with pytest.raises(ChartError, match="no chart of the layer covers any part of the map"):
        tile_layer(
            [ChartSource("tiny", str(chart), cutline)],
            tmp_path / "none.pmtiles",
            TileOptions(5, 6, processes=1),
        )
    assert not (tmp_path / "none.pmtiles").exists()


@pytest.mark.parametrize("drawn_by", ["workers", "the calling process"])
def test_tiles_are_the_same_whichever_process_draws_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drawn_by: str
) -> None:
    """The calling process draws metatiles until the workers are up: its tiles equal the
    workers', and it leaves no chart open behind it."""
    reference = tmp_path / "reference.pmtiles"
    tile_layer(sample_sources(), reference, TileOptions(6, 11, processes=2))
    ready = threading.Event()
    if drawn_by == "workers":
        ready.set()
    # Never set: the calling process draws every metatile of every pass.
    monkeypatch.setattr(tiler, "_start_workers", lambda pool, processes: ready)
    archive = tmp_path / "archive.pmtiles"
    tile_layer(sample_sources(), archive, TileOptions(6, 11, processes=2))
    with reference.open("rb") as expected, archive.open("rb") as drawn:
        assert dict(all_tiles(MmapSource(drawn))) == dict(all_tiles(MmapSource(expected)))
    assert not warp._datasets


def _bilinear(rgba: np.ndarray, columns: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``rgba`` sampled bilinearly at positions counted from its pixels' corners."""
    x, y = columns - 0.5, rows - 0.5
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = (x - x0)[:, None], (y - y0)[:, None]
    corner = rgba.astype(float)
    return (
        corner[y0, x0] * (1 - fx) * (1 - fy)
        + corner[y0, x0 + 1] * fx * (1 - fy)
        + corner[y0 + 1, x0] * (1 - fx) * fy
        + corner[y0 + 1, x0 + 1] * fx * fy
    )


@pytest.mark.parametrize("zoom", [12, 11], ids=["a tile's affine map", "per-pixel positions"])
def test_each_pixel_is_drawn_from_where_the_projection_puts_it(tmp_path: Path, zoom: int) -> None:
    """Against PROJ at every 7th pixel of a metatile, sampled bilinearly by hand: diagonal
    stripes three pixels wide of colours 210 apart, so that a tenth of a pixel off in any
    direction shows (about 20 at the stripes' edges, 9 on average)."""
    size, pixel, left, top = 900, 40.0, -18_000.0, 18_000.0
    crs = "+proj=lcc +lat_0=47 +lon_0=-122 +lat_1=45 +lat_2=49 +datum=NAD83 +units=m"
    path = tmp_path / "stripes.tif"
    rows, columns = np.indices((size, size))
    indexes = ((rows + columns) // 3 % 2 + 1).astype(np.uint8)
    colours = {1: (20, 60, 200, 255), 2: (230, 210, 40, 255)}
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=size,
        height=size,
        count=1,
        dtype="uint8",
        photometric="palette",
        crs=CRS.from_proj4(crs),
        transform=Affine(pixel, 0, left, 0, -pixel, top),
    ) as chart:
        chart.write(indexes, 1)
        chart.write_colormap(1, colours)
    prepared = warp.prepare(ChartSource("stripes", str(path)))
    task = max(tiler._top_tasks([prepared], zoom), key=lambda task: task.mx)
    canvas, failures = warp.warp_metatile(task)
    assert not failures
    res = warp.resolution(zoom)
    west, north = warp.metatile_origin(zoom, task.mx, task.my)
    offsets = np.arange(0, canvas.shape[0], 7) + 0.5
    xs, ys = np.meshgrid(west + offsets * res, north - offsets * res)
    sx, sy = warp.transform(warp.MERCATOR, CRS.from_proj4(crs), xs.ravel(), ys.ravel())
    chart_columns = (np.array(sx) - left) / pixel
    chart_rows = (top - np.array(sy)) / pixel
    inside = (
        (chart_columns > 1) & (chart_columns < size - 1)
        & (chart_rows > 1) & (chart_rows < size - 1)
    )  # fmt: skip
    assert inside.sum() > 1_000
    palette = np.zeros((256, 4), np.uint8)
    for index, colour in colours.items():
        palette[index] = colour
    expected = _bilinear(palette[indexes], chart_columns[inside], chart_rows[inside])
    drawn = canvas[::7, ::7].reshape(-1, 4)[inside].astype(float)
    # OpenCV weighs the four pixels in 32nds: 210 / 64 at most, and rounding.
    off = np.abs(drawn - expected)
    # At most 0.05 px off (10 at an edge), and OpenCV weighs the four pixels in 32nds.
    assert off.max() <= 15
    assert off.mean() <= 1
    # Zoomed in, each tile is warped by an affine map; zoomed out, through per-pixel positions.
    corners = np.arange(0, canvas.shape[0] + 1, warp.SAMPLE_STEP)
    positions = warp._source_positions(prepared, west, north, res, corners)
    assert (warp._tile_affines(*positions) is not None) == (zoom == 12)
