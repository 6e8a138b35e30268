"""Reading a page screenshot: the map's WebGL canvas cannot be read back, its picture can."""

from __future__ import annotations

import io

from PIL import Image
from playwright.async_api import Page

MARKER_BLUE = (31, 111, 235)
SELECTED_RED = (229, 83, 61)


async def map_picture(page: Page) -> Image.Image:
    box = await page.get_by_test_id("map").bounding_box()
    assert box is not None
    png = await page.screenshot(
        clip={"x": box["x"], "y": box["y"], "width": box["width"], "height": box["height"]}
    )
    return Image.open(io.BytesIO(png)).convert("RGB")


def pixels_near(picture: Image.Image, colour: tuple[int, int, int], tolerance: int = 30) -> int:
    return sum(
        1
        for pixel in picture.get_flattened_data()
        if all(
            abs(channel - wanted) <= tolerance
            for channel, wanted in zip(pixel, colour, strict=True)
        )
    )


def distinct_colours(picture: Image.Image) -> int:
    """Colours in the middle of the picture, away from the buttons and controls at its edges."""
    width, height = picture.size
    middle = picture.crop((width // 5, height // 5, width * 4 // 5, height * 4 // 5))
    colours = middle.getcolors(maxcolors=1 << 20)
    return len(colours) if colours else 1 << 20


async def wait_for_map(page: Page) -> None:
    """Until MapLibre is idle with the airports loaded (the map sets data-idle)."""
    await page.wait_for_selector('[data-testid="map"][data-idle="true"]', timeout=30_000)
