"""Reading a page screenshot: the map's WebGL canvas cannot be read back, its picture can."""

from __future__ import annotations

import io

from PIL import Image
from playwright.async_api import Page

# The colours of the map (frontend/src/lib/colours.ts, pages/map/basemap.ts, markers.ts).
AIRPORT_GREEN = (0x43, 0xA0, 0x47)
HELIPORT_ORANGE = (0xFB, 0x8C, 0x00)
SELECTED_AMBER = (0xFF, 0xC4, 0x00)
LIGHT = {"land": (0xF1, 0xEE, 0xE6), "water": (0xB4, 0xD0, 0xE6), "country": (0x7B, 0x6F, 0x8C)}
DARK = {"land": (0x26, 0x2D, 0x36), "water": (0x10, 0x26, 0x3B), "country": (0xA5, 0xAD, 0xBF)}


async def map_picture(page: Page) -> Image.Image:
    box = await page.get_by_test_id("map").bounding_box()
    assert box is not None
    png = await page.screenshot(
        clip={"x": box["x"], "y": box["y"], "width": box["width"], "height": box["height"]}
    )
    return Image.open(io.BytesIO(png)).convert("RGB")


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int) -> bool:
    return all(
        abs(channel - wanted) <= tolerance for channel, wanted in zip(pixel, colour, strict=True)
    )


def pixels_near(picture: Image.Image, colour: tuple[int, int, int], tolerance: int = 30) -> int:
    return sum(1 for pixel in picture.get_flattened_data() if near(pixel, colour, tolerance))


def share_near(picture: Image.Image, colour: tuple[int, int, int], tolerance: int = 8) -> float:
    """The share of the picture in (about) one colour: land, water."""
    return pixels_near(picture, colour, tolerance) / (picture.width * picture.height)


def centre_of(
    picture: Image.Image, colour: tuple[int, int, int], tolerance: int = 30
) -> tuple[float, float] | None:
    """Where the pixels of a colour are, on average (x, y), or None without any."""
    width = picture.width
    found = [
        (index % width, index // width)
        for index, pixel in enumerate(picture.get_flattened_data())
        if near(pixel, colour, tolerance)
    ]
    if not found:
        return None
    return (sum(x for x, _ in found) / len(found), sum(y for _, y in found) / len(found))


def distinct_colours(picture: Image.Image) -> int:
    """Colours in the middle of the picture, away from the buttons and controls at its edges."""
    width, height = picture.size
    middle = picture.crop((width // 5, height // 5, width * 4 // 5, height * 4 // 5))
    colours = middle.getcolors(maxcolors=1 << 20)
    return len(colours) if colours else 1 << 20


async def wait_for_map(page: Page) -> None:
    """Until MapLibre is idle with the airports loaded (the map sets data-idle) and the base
    map's finer regions that the view asked for are drawn (data-basemap stops saying loading)."""
    await page.wait_for_selector(
        '[data-testid="map"][data-idle="true"]:not([data-basemap="loading"])', timeout=30_000
    )
