"""The chart tiler on the original's test chart and on small charts made for each case."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
import rasterio
from PIL import Image
from rasterio.crs import CRS
from rasterio.transform import Affine

from api.core.storage import LocalSink
from importer.charts.catalogue import SAMPLE_CHARTS, load_cutline
from importer.charts.tiler import ChartError, ChartSource, TileOptions, tile_layer

FIXTURES = Path(__file__).parents[1] / "fixtures"
SAMPLE_ZIP = FIXTURES / "charts_test.zip"


def sample_sources() -> list[ChartSource]:
    return [
        ChartSource(chart.name, f"/vsizip/{SAMPLE_ZIP}/{chart.tif}", chart.cutline_geometry())
        for chart in SAMPLE_CHARTS
    ]


def tile(root: Path, key: str) -> np.ndarray:
    with Image.open(root / f"{key}.webp") as image:
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
    result = tile_layer(
        sample_sources(), "tiles/c/sectional", LocalSink(tmp_path), TileOptions(0, 12, processes=2)
    )
    assert sorted(result.tiles_by_zoom) == list(range(13))
    assert result.tiles == len(list(tmp_path.rglob("*.webp")))
    assert result.bounds is not None
    west, south, east, north = result.bounds
    assert -122.40 < west < east < -122.15
    assert 47.82 < south < north < 47.99
    # The top zoom is sharp chart, transparent outside the cutline: some tile has both.
    tops = [tile(tmp_path, str(path.relative_to(tmp_path))[:-5])
            for path in (tmp_path / "tiles/c/sectional/12").rglob("*.webp")]  # fmt: skip
    assert any((t[..., 3] == 0).any() and (t[..., 3] == 255).any() for t in tops)
    world = tile(tmp_path, "tiles/c/sectional/0/0/0")
    assert world.shape == (256, 256, 4)
    assert 0 < (world[..., 3] > 0).sum() < 10  # a speck: the chart covers 20 km


def test_a_lower_zoom_is_the_average_of_the_one_above(tmp_path: Path) -> None:
    chart = make_chart(tmp_path / "green.tif", (40, 160, 60), size=(800, 800))
    tile_layer(
        [ChartSource("green", str(chart))],
        "t",
        LocalSink(tmp_path / "out"),
        TileOptions(8, 12, processes=1),
    )
    out = tmp_path / "out"
    parents = sorted((out / "t/11").rglob("*.webp"))
    assert parents
    checked = 0
    for parent in parents:
        x, y = int(parent.parent.name), int(parent.stem)
        children = [out / f"t/12/{2 * x + dx}/{2 * y + dy}.webp" for dy in (0, 1) for dx in (0, 1)]
        if not all(child.exists() for child in children):
            continue
        quads = [tile(out, str(child.relative_to(out))[:-5]).astype(float) for child in children]
        whole = np.vstack([np.hstack(quads[:2]), np.hstack(quads[2:])])
        averaged = whole.reshape(256, 2, 256, 2, 4).mean(axis=(1, 3))
        mine = tile(out, str(parent.relative_to(out))[:-5]).astype(float)
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
    tile_layer(charts, "t", LocalSink(tmp_path / "out"), TileOptions(12, 12, processes=1))
    # At zoom 12 a tile is ~6.5 km: the overlap (0 to 20 km east of -122°) spans whole tiles.
    import math

    n = 2**12
    x = int((-122 + 180) / 360 * n + 0.5)  # the tile just east of -122°
    lat = math.radians(47)
    y = int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * n)
    pixels = tile(tmp_path / "out", f"t/12/{x + 1}/{y}")
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
    result = tile_layer(pieces, "t", LocalSink(tmp_path / "out"), TileOptions(0, 7, processes=1))
    columns = {int(path.parent.name) for path in (tmp_path / "out/t/7").rglob("*.webp")}
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
            "t",
            LocalSink(tmp_path),
            TileOptions(0, 2, processes=1),
        )


def test_an_unreadable_archive_is_refused_by_name(tmp_path: Path) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"<html>Service unavailable</html>")
    source = ChartSource("sectional/broken", f"/vsizip/{broken}/Charts Test SEC.tif")
    with pytest.raises(ChartError, match="sectional/broken: cannot read"):
        tile_layer([source], "t", LocalSink(tmp_path / "out"), TileOptions(0, 2, processes=1))
    assert not (tmp_path / "out").exists()


def test_tiles_are_webp_and_skip_the_empty(tmp_path: Path) -> None:
    archive = tmp_path / "one.zip"
    chart = make_chart(tmp_path / "one.tif", (90, 90, 200))
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(chart, "One SEC.tif")
    result = tile_layer(
        [ChartSource("one", f"/vsizip/{archive}/One SEC.tif")],
        "t",
        LocalSink(tmp_path / "out"),
        TileOptions(10, 11, quality=50, processes=1),
    )
    files = sorted((tmp_path / "out/t").rglob("*"))
    webps = [path for path in files if path.is_file()]
    assert len(webps) == result.tiles > 0
    for path in webps:
        with Image.open(io.BytesIO(path.read_bytes())) as image:
            assert image.format == "WEBP"
            assert image.size == (256, 256)
            assert image.convert("RGBA").getchannel("A").getbbox() is not None


def test_a_chart_that_fails_midway_is_named_after_the_others_are_tiled(tmp_path: Path) -> None:
    red = make_chart(tmp_path / "red.tif", (220, 30, 30))
    blue = make_chart(tmp_path / "blue.tif", (30, 30, 220), left=0)
    whole = blue.read_bytes()
    blue.write_bytes(whole[: len(whole) // 3])  # its header is whole, its pixels cut short
    charts = [ChartSource("sectional/red", str(red)), ChartSource("sectional/blue", str(blue))]

    with pytest.raises(ChartError) as raised:
        tile_layer(charts, "t", LocalSink(tmp_path / "out"), TileOptions(10, 12, processes=1))

    assert [failure.split(":")[0] for failure in raised.value.failures] == ["sectional/blue"]
    assert str(raised.value).startswith(f"sectional/blue: cannot read {blue}: ")
    # The other chart was tiled all the same, at every zoom.
    assert {path.parent.parent.name for path in (tmp_path / "out/t").rglob("*.webp")} == {
        "10",
        "11",
        "12",
    }
